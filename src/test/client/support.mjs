// Shared by the client library's tests: the server under test (started by ClientLibraryIT), tokens
// signed with its secret, a TCP proxy that can freeze or cut connections, and ways to await events.
import crypto from 'node:crypto';
import net from 'node:net';
import WebSocket from 'ws';
import { connect } from '../../../webapp/roomcast.js';
import { check } from './contract.mjs';

/** http://127.0.0.1:<port>/ of the Roomcast under test. */
export const BASE = required('ROOMCAST_URL');
const SECRET = required('ROOMCAST_JWT_SECRET');
/** The IT's control server: POST /restart restarts Roomcast at the same address. */
const CONTROL = process.env.ROOMCAST_CONTROL;
const PORT = Number(new URL(BASE).port);
/** An event that does not come in this long fails its test with the event's name, not a hang. */
const EVENT_TIMEOUT_MS = Number(process.env.ROOMCAST_EVENT_TIMEOUT_MS || 120000);

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: these tests run under ClientLibraryIT`);
  return value;
}

/** An HS256 token for the user that expires in ttlMs (negative: already expired), with extra claims. */
export function token(user, ttlMs = 3600000, claims = {}) {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const payload = { sub: user, iat: now, exp: now + Math.round(ttlMs / 1000), ...claims };
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  const signature = crypto.createHmac('sha256', SECRET).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}

export function wsUrl(path, port = PORT) {
  return `ws://127.0.0.1:${port}${path}`;
}

export function uniqueRoom() {
  return 100000 + crypto.randomInt(1000000000);
}

export function uniqueUser(prefix) {
  return `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
}

/** `ws` whose every text frame from the server is checked against docs/asyncapi.yaml (contract.mjs). */
class ContractWebSocket extends WebSocket {
  constructor(...args) {
    super(...args);
    this.on('message', (data, isBinary) => {
      if (!isBinary) check(data.toString());
    });
  }
}

/** `ws` with a count of the sockets the client opened (every connection attempt). */
export function countedWebSocket() {
  const opened = [];
  class Counted extends ContractWebSocket {
    constructor(...args) {
      super(...args);
      opened.push(this);
    }
  }
  return { WebSocket: Counted, opened };
}

/** `ws` made to behave like a browser's WebSocket: a refused handshake's error says nothing. */
export function browserLikeWebSocket() {
  const opened = [];
  class BrowserLike extends ContractWebSocket {
    constructor(...args) {
      super(...args);
      opened.push(this);
    }

    set onerror(listener) {
      super.onerror = listener ? () => listener({ type: 'error' }) : listener;
    }

    get onerror() {
      return super.onerror;
    }
  }
  return { WebSocket: BrowserLike, opened };
}

/** A client of the library under test, with every event it emits recorded in order. */
export function client(path, options = {}) {
  const rc = connect(wsUrl(path, options.port), { WebSocket: options.WebSocket || ContractWebSocket, ...options });
  rc.events = [];
  for (const name of ['state', 'welcome', 'message', 'presence', 'direct', 'joined', 'left', 'refreshed', 'error', 'disconnect', 'stopped']) {
    rc.on(name, (value) => rc.events.push({ name, value }));
  }
  return rc;
}

/** The first event `name` (already seen or still to come) that satisfies `match`. */
export function event(rc, name, match = () => true) {
  const seen = rc.events.find((e) => e.name === name && match(e.value));
  if (seen) return Promise.resolve(seen.value);
  return next(rc, name, match);
}

/** The next event `name` from now on that satisfies `match`. */
export function next(rc, name, match = () => true) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no '${name}' event in ${EVENT_TIMEOUT_MS} ms; events so far: ${summary(rc)}`));
    }, EVENT_TIMEOUT_MS);
    const off = rc.on(name, (value) => {
      if (!match(value)) return;
      clearTimeout(timer);
      off();
      resolve(value);
    });
  });
}

export function messages(rc, room) {
  return rc.events.filter((e) => e.name === 'message' && e.value.room === room).map((e) => e.value);
}

function summary(rc) {
  return rc.events.map((e) => `${e.name}:${JSON.stringify(e.value instanceof Error ? { code: e.value.code } : e.value)}`)
    .slice(-15).join(' ');
}

/** Asks ClientLibraryIT to restart Roomcast; resolves once it answers again at the same address. */
export async function restartServer() {
  if (!CONTROL) throw new Error('ROOMCAST_CONTROL is not set: restarts need ClientLibraryIT');
  const response = await fetch(new URL('restart', CONTROL), { method: 'POST' });
  if (response.status !== 200) throw new Error(`restart failed: ${response.status} ${await response.text()}`);
}

/**
 * A loopback TCP proxy in front of Roomcast. `freeze()` makes the connections open now stop
 * forwarding (bytes are dropped, like a dead network), `cut()` destroys them; new connections pass.
 */
export async function proxy() {
  const pairs = new Set();
  const server = net.createServer((downstream) => {
    const upstream = net.connect(PORT, '127.0.0.1');
    const pair = { downstream, upstream, toServer: true, toClient: true };
    pairs.add(pair);
    downstream.on('data', (data) => { if (pair.toServer) upstream.write(data); });
    upstream.on('data', (data) => { if (pair.toClient) downstream.write(data); });
    const end = () => {
      pairs.delete(pair);
      downstream.destroy();
      upstream.destroy();
    };
    for (const socket of [downstream, upstream]) {
      socket.on('close', end);
      socket.on('error', end);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    freeze({ toServer = false, toClient = false } = {}) {
      for (const pair of pairs) {
        pair.toServer = toServer;
        pair.toClient = toClient;
      }
    },
    cut() {
      for (const pair of [...pairs]) {
        pair.downstream.destroy();
        pair.upstream.destroy();
      }
    },
    close() {
      this.cut();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
