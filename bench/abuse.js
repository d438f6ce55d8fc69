#!/usr/bin/env node
'use strict';
// Abuse bench (PROTOCOL 13, "Bounds and abuse limits"): each attack of the security review against a
// Roomcast server running with its DEFAULT settings, and whether the server stayed within the bound
// the contract sets for it.
//
//   1 history flood     a guest fills a room with 1,000 text lines of 65,536 × U+0001 (each ~393 KB
//                       once JSON-escaped), then parallel GET /api/rooms/{id}/history?limit=1000 and
//                       WebSocket `history` frames (limit 1000) with a token; the same anonymously.
//                       Bound: every answer ≤ roomcast.history.answer-bytes (13.1).
//   2 key flood         ten authenticated users publish 64 KiB messages with unique refs at the
//                       allowed rate. Bound: live heap growth ≤ roomcast.history.max-bytes (13.2).
//   3 distinct reads    GET /api/rooms/$i/history?limit=1 for 100,000 distinct rooms (with and
//                       without a token), `history` frames and refused joins for distinct rooms over
//                       WebSocket. Bound: no stream created, live heap flat (13.3).
//   4 room-cap takeover as many connections as one address may open, each joining as many distinct
//                       rooms as it may. Bound: ≤ roomcast.limits.rooms-per-user rooms, and a user
//                       elsewhere can still create a room (13.6).
//   5 reconnect reset   a guest, and an authenticated user over several addresses, reconnecting to
//                       get a fresh burst. Bound: accepted ≤ user-burst + user-rate × t, handshakes
//                       per address ≤ handshake-burst + handshake-rate × t (13.5).
//   6 non-readers       members that stop reading while others flood their room. Bound: TCP closed
//                       ≤ 5 s after the overflow, as the client sees it (13.7).
//
// Each group of attacks (5, 6, 4 | 3, 1 | 2) gets a fresh server: what an attack leaves behind lives
// history.ttl (300 s) and, expiring, would shrink a later attack's heap figure. A server that no
// longer answers after an attack is restarted for the next.
//
// For each attack: what the server answered (statuses and error codes counted), the live heap before
// and after (the total of `jcmd PID GC.class_histogram`: the bytes of the objects reachable after the
// full GC it forces; `GC.heap_info` used after that GC is in the JSON), the peak heap in use during
// the attack (jstat, garbage included), OutOfMemoryErrors in the server log, whether the server still
// answers afterwards (a fresh guest joins a fresh room and gets its own message back, and
// GET /api/status is 200), and PASS/FAIL against the bound.
//
//   node bench/abuse.js [--quick] [--servers roomcast,roomcast-wildfly] [--attacks 1,2,3,4,5,6] [--out DIR]
//                       [--reads 100000] [--reads-s 90] [--keyflood-s 35] [--fill 1000]
//
// Settings: Roomcast's defaults, plus roomcast.jwt.secret (the attacks with a token need a key to
// verify it; no limit changes). The JVM options are the bench's (config.js, -Xms2g -Xmx2g G1, or
// BENCH_JVM_OPTS). Loopback only (source addresses 127.0.0.x, one range per attack); the only
// processes signalled are the server and the jstat samplers it started; every loop is bounded in
// count and time, and the run stops by itself (hard stop RUN_BUDGET_S).

const fs = require('fs');
const path = require('path');
const http = require('http');
const crypto = require('crypto');
const { spawn, execFileSync } = require('child_process');
const WebSocket = require('ws');
const cfg = require('./config');
const S = require('./lib/stats');
const { createServers, missing } = require('./lib/servers');
const { rawConnect } = require('./lib/rawws');
const { opt, flag } = require('./lib/args');

const BENCH = __dirname;
const HOST = cfg.host;
const QUICK = flag('--quick');
const SERVERS = opt('--servers', 'roomcast').split(',').filter(Boolean);
const ATTACKS = opt('--attacks', '1,2,3,4,5,6').split(',').map(Number).filter(Boolean);
/**
 * Which attacks share a server (each group gets a fresh one), in this order. What an attack leaves
 * behind (history for history.ttl, idempotency keys, empty streams, ...) expires 300 s later and would
 * shrink the heap of a later attack's measurement: 5 and 6 leave nothing that lasts, 4 measures
 * while it holds its rooms; 3's empty streams (if any) outlive 1; 2's keys are kept alone. A --quick
 * run (a smoke run: its heap figures are indicative only) uses one server, in the same order.
 */
const GROUPS = (QUICK ? [[5, 6, 4, 3, 1, 2]] : [[5, 6, 4], [3, 1], [2]]).map((g) => g.filter((id) => ATTACKS.includes(id))).filter((g) => g.length);
const PORTS = { roomcast: 18090, 'roomcast-wildfly': 18093 }; // not run-all's 18080/18083
const SECRET = cfg.jwtSecret;

/** Roomcast's defaults (the contract's), as the attacks meet them. */
const D = {
  answerBytes: 1048576,
  maxBytes: 268435456,
  historySize: 1000,
  maxText: 65536,
  rate: 20,
  burst: 40,
  userRate: 100,
  userBurst: 200,
  handshakeRate: 20,
  handshakeBurst: 100,
  connectionsPerAddress: 1000,
  roomsPerConnection: 100,
  roomsPerUser: 1000,
  rooms: 100000,
  sendQueue: 1024,
  sendQueueBytes: 4194304,
  closeWithinMs: 5000,
};
/** The only setting the abuse run adds to the defaults: a key to verify the attackers' tokens. */
const ABUSE_ENV = { ROOMCAST_JWT_SECRET: SECRET };
const DEVIATIONS = ['roomcast.jwt.secret set (HS256, tokens minted by the bench): attacks 1, 2, 3, 5, 6 use authenticated users; no limit is changed'];

// Sizes: full / --quick.
const SIZE = {
  fill: Number(opt('--fill', QUICK ? 150 : 1000)), // attack 1: lines in the room
  fillConnections: 5,
  fillRate: 18, // per connection: 5 × 18 = 90/s, under the per-address user rate of 100/s
  httpReaders: 3,
  wsReaders: 2,
  readTimeoutS: QUICK ? 60 : 120,
  keyfloodUsers: 10,
  keyfloodRate: 19, // per connection (limits.rate 20)
  keyfloodS: Number(opt('--keyflood-s', QUICK ? 5 : 35)),
  reads: Number(opt('--reads', QUICK ? 5000 : 100000)),
  readsS: Number(opt('--reads-s', QUICK ? 20 : 90)), // each HTTP pass stops there, done or not
  readConcurrency: 16,
  wsReadConnections: QUICK ? 20 : 50,
  wsReadS: QUICK ? 3 : 10,
  takeoverConnections: QUICK ? 150 : D.connectionsPerAddress,
  takeoverOpenS: QUICK ? 15 : 60,
  takeoverJoinS: QUICK ? 10 : 20,
  resetS: QUICK ? 5 : 10,
  resetInFlight: 4,
  resetBurst: 60,
  slowMembers: 4,
  slowPublishers: 2,
  slowFrameBytes: 256 * 1024,
  slowFloodS: QUICK ? 12 : 20,
  slowWaitS: 8,
};
const RUN_BUDGET_S = (QUICK ? 8 : 14) * 60 * Math.max(1, SERVERS.length);
const ATTACK_BUDGET_S = QUICK ? 120 : 240;

for (const s of SERVERS) {
  if (!cfg.servers[s] || !cfg.servers[s].runtime) {
    console.error(`--servers: Roomcast runtimes only (${Object.keys(cfg.servers).filter((k) => cfg.servers[k].runtime).join(', ')})`);
    process.exit(2);
  }
}
if (!/^127\.\d+\.\d+\.\d+$/.test(HOST)) {
  console.error('refusing: only loopback targets (127.0.0.0/8) are allowed');
  process.exit(2);
}

const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
const OUT = path.resolve(opt('--out', path.join(BENCH, 'results', `abuse-${stamp}${QUICK ? '-quick' : ''}`)));
fs.mkdirSync(OUT, { recursive: true });
const t0 = Date.now();
const log = (...m) => {
  const line = `[abuse +${Math.round((Date.now() - t0) / 1000)}s] ${m.join(' ')}`;
  console.error(line);
  fs.appendFileSync(path.join(OUT, 'run.log'), line + '\n');
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const n = (x) => (x === null || x === undefined ? '–' : Number(x).toLocaleString('en-US'));
const mb = (kb) => (kb === null || kb === undefined ? null : Math.round(kb / 102.4) / 10);
const bytesMb = (b) => Math.round(b / 104857.6) / 10;
const count = (obj, k, by = 1) => {
  obj[k] = (obj[k] || 0) + by;
};
const fmtCounts = (o) => (Object.keys(o).length ? Object.entries(o).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ×${n(v)}`).join(', ') : 'none');

const servers = createServers({ out: OUT, log });
const children = new Set(); // jstat samplers
process.on('exit', () => {
  servers.killSync();
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch (e) {
      /* gone */
    }
  }
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`got ${sig}, stopping`);
    process.exit(130);
  });
}
setTimeout(() => {
  log(`run budget of ${RUN_BUDGET_S} s exceeded, stopping`);
  process.exit(3);
}, RUN_BUDGET_S * 1000).unref();

// ------------------------------------------------------------ tokens, HTTP, WebSocket clients
const b64url = (buf) => Buffer.from(buf).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
/** An HS256 token for `sub`, valid for an hour; `rooms` restricts the rooms (absent: all). */
function token(sub, rooms) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub, iat: now, exp: now + 3600 };
  if (rooms) claims.rooms = rooms;
  const h = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const p = b64url(JSON.stringify(claims));
  return `${h}.${p}.${b64url(crypto.createHmac('sha256', SECRET).update(`${h}.${p}`).digest())}`;
}

/**
 * GET that counts the body instead of keeping it: { status, bytes, code (error code of a small JSON
 * body), json (the parsed body when it is at most `keep` bytes), tail, ms } or { status: 0, err }.
 */
function get(port, p, { tok, src, agent, timeoutMs = 15000, keep = 1 << 20 } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const headers = tok ? { Authorization: `Bearer ${tok}` } : {};
    const req = http.get({ host: HOST, port, path: p, headers, localAddress: src, agent: agent || false, timeout: timeoutMs }, (res) => {
      const head = [];
      let headLen = 0;
      let bytes = 0;
      let tail = Buffer.alloc(0);
      res.on('data', (d) => {
        bytes += d.length;
        if (headLen < keep) {
          head.push(d.subarray(0, keep - headLen));
          headLen += Math.min(d.length, keep - headLen);
        }
        tail = Buffer.concat([tail, d.length > 512 ? d.subarray(d.length - 512) : d]);
        if (tail.length > 512) tail = tail.subarray(tail.length - 512);
      });
      res.on('end', () => {
        const r = { status: res.statusCode, bytes, tail: tail.toString(), ms: Date.now() - started, retryAfter: res.headers['retry-after'] };
        if (bytes <= keep) {
          r.text = Buffer.concat(head).toString();
          try {
            r.json = JSON.parse(r.text);
            if (r.json && typeof r.json.error === 'string') r.code = r.json.error;
          } catch (e) {
            /* not JSON */
          }
        }
        resolve(r);
      });
      res.on('error', (e) => resolve({ status: res.statusCode, bytes, err: e.code || e.message, ms: Date.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, bytes: 0, err: e.code || e.message, ms: Date.now() - started }));
  });
}

/** `{status}` or `{status} {code}` of an answer, for counting. */
const outcome = (r) => (r.status === 0 ? `error ${r.err}` : r.code ? `${r.status} ${r.code}` : `${r.status}`);

/**
 * Opens a `ws` WebSocket: { ws } after the 101 (JSON frames re-emitted as 'json'), else { status,
 * code, retryAfter } for a refused handshake, or { err }. Every socket opened is tracked for cleanup.
 */
function openWs(ctx, p, { src, tok, timeoutMs = 15000, maxPayload = 16 << 20 } = {}) {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://${HOST}:${ctx.port}${p}`, {
      perMessageDeflate: false,
      handshakeTimeout: timeoutMs,
      localAddress: src,
      maxPayload,
      headers: tok ? { Authorization: `Bearer ${tok}` } : undefined,
    });
    ctx.sockets.add(ws);
    let settled = false;
    const finish = (r) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    ws.closed = new Promise((r) => ws.once('close', (code) => r(code)));
    ws.closed.then(() => ctx.sockets.delete(ws));
    // the welcome can come in the same read as the 101, before the caller listens: kept here
    ws.welcome = new Promise((res) => {
      const on = (f) => {
        if (f.type === 'welcome') {
          ws.removeListener('json', on);
          res(f);
        }
      };
      ws.on('json', on);
      ws.once('close', () => res(null));
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.emit('binary', data);
      if (data.length && data[0] === 0x7b) {
        try {
          return ws.emit('json', JSON.parse(data.toString()));
        } catch (e) {
          /* not JSON */
        }
      }
      ws.emit('line', data);
    });
    ws.once('open', () => finish({ ws }));
    ws.once('unexpected-response', (req, res) => {
      let body = '';
      res.on('data', (d) => (body += d.toString().slice(0, 2000)));
      const done = () => {
        let code = null;
        try {
          code = JSON.parse(body).error || null;
        } catch (e) {
          /* no JSON body */
        }
        req.destroy();
        finish({ status: res.statusCode, code, retryAfter: res.headers['retry-after'] });
      };
      res.once('end', done);
      setTimeout(done, 2000);
    });
    ws.on('error', (e) => finish({ err: e.code || String(e.message).slice(0, 40) }));
  });
}

/** The handshake's outcome for counting: 101, or the status and code of a refusal. */
const hsOutcome = (r) => (r.ws ? '101' : r.status ? `${r.status}${r.code ? ' ' + r.code : ''}` : `error ${r.err}`);

/** The first JSON frame matching `pred` within `ms`, or null. */
function waitJson(ws, pred, ms) {
  return new Promise((resolve) => {
    const on = (f) => {
      if (pred(f)) {
        cleanup();
        resolve(f);
      }
    };
    const onClose = () => {
      cleanup();
      resolve(null);
    };
    const timer = setTimeout(() => {
      cleanup();
      resolve(null);
    }, ms);
    const cleanup = () => {
      clearTimeout(timer);
      ws.removeListener('json', on);
      ws.removeListener('close', onClose);
    };
    ws.on('json', on);
    ws.once('close', onClose);
  });
}

const send = (ws, obj) => {
  if (ws.readyState === WebSocket.OPEN) ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
};

/** Runs `fn(i)` for i in [0, total) at `rate` per second, until `deadline`; returns how many ran. */
async function paced(total, rate, deadline, fn) {
  const start = Date.now();
  let i = 0;
  for (; i < total && Date.now() < deadline; i++) {
    const at = start + (i * 1000) / rate;
    if (at > Date.now()) await sleep(at - Date.now());
    if (fn(i) === false) break;
  }
  return i;
}

/** Runs `worker()` `conc` times in parallel and awaits them all. */
const parallel = (conc, worker) => Promise.all(Array.from({ length: conc }, (_, k) => worker(k)));

// ------------------------------------------------------------ server figures
/** The live heap: GC.class_histogram forces a full GC and sums the live objects; heap_info after it. */
function liveHeap(pid) {
  if (!S.isJvm(pid)) return null;
  const r = { histKb: null, usedKb: null };
  try {
    const raw = execFileSync('jcmd', [String(pid), 'GC.class_histogram'], { timeout: 90000, maxBuffer: 256 << 20 }).toString();
    const total = /^Total\s+(\d+)\s+(\d+)/m.exec(raw);
    if (total) r.histKb = Math.round(Number(total[2]) / 1024);
    r.classes = {}; // the 60 largest classes by live bytes: which ones an attack grew
    for (const m of [...raw.matchAll(/^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)/gm)].slice(0, 60)) r.classes[m[3]] = { n: Number(m[1]), kb: Math.round(Number(m[2]) / 1024) };
    const h = S.jvmHeap(pid, false);
    if (h) r.usedKb = h.usedKb;
  } catch (e) {
    r.err = String(e.message).slice(0, 80);
  }
  return r;
}

/** Roomcast's own figures (GET /api/metrics): connections, rooms, streams, history bytes, slow-consumer closes. */
async function metrics(port) {
  const r = await get(port, '/api/metrics', { timeoutMs: 10000, keep: 1 << 16 });
  const out = { status: r.status };
  if (r.status !== 200 || !r.text) return out;
  for (const m of r.text.matchAll(/^(roomcast_[a-z_]+) (\d+(?:\.\d+)?)$/gm)) out[m[1].replace(/^roomcast_/, '')] = Number(m[2]);
  return out;
}

/** Heap in use (KB, garbage included) every 500 ms by `jstat -gc` (no safepoint): the peak of an attack. */
function heapSampler(pid) {
  if (!S.isJvm(pid)) return { stop: async () => null };
  let peakKb = 0;
  let cols = null;
  const child = spawn('jstat', ['-gc', String(pid), '500'], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.add(child);
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).trim().split(/\s+/);
      buf = buf.slice(i + 1);
      if (line[0] === 'S0C') cols = line;
      else if (cols) {
        const v = (k) => Number(line[cols.indexOf(k)]) || 0;
        peakKb = Math.max(peakKb, v('S0U') + v('S1U') + v('EU') + v('OU'));
      }
    }
  });
  return {
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => {
          children.delete(child);
          resolve(peakKb || null);
        });
        child.kill('SIGTERM');
      }),
  };
}

/** OutOfMemoryError lines the server logged since `from` (a byte offset of its log). */
function oomSince(logFile, from) {
  try {
    const fd = fs.openSync(logFile, 'r');
    const size = fs.fstatSync(fd).size;
    const len = Math.min(size - from, 64 << 20);
    const b = Buffer.alloc(Math.max(0, len));
    fs.readSync(fd, b, 0, b.length, size - len);
    fs.closeSync(fd);
    return (b.toString().match(/OutOfMemoryError/g) || []).length;
  } catch (e) {
    return null;
  }
}
const logSize = (f) => {
  try {
    return fs.statSync(f).size;
  } catch (e) {
    return 0;
  }
};

/**
 * Does the server still answer? A fresh guest (its own source address) joins a fresh room on
 * /ws/realtime and gets its own message back with its ack; then GET /api/status.
 */
let probeSeq = 0;
async function probe(ctx) {
  const k = probeSeq++;
  const src = `127.0.0.${200 + (k % 50)}`;
  const room = 990000 + k;
  const started = Date.now();
  const r = { ws: null, status: null };
  const o = await openWs(ctx, '/ws/realtime', { src, timeoutMs: 10000 });
  if (!o.ws) r.ws = `handshake ${hsOutcome(o)}`;
  else {
    const ws = o.ws;
    const welcome = await Promise.race([ws.welcome, sleep(5000).then(() => null)]);
    send(ws, { type: 'join', room });
    const joined = await waitJson(ws, (f) => f.type === 'joined' || f.type === 'error', 5000);
    if (!welcome || !joined || joined.type !== 'joined') r.ws = `join: ${joined ? joined.code || joined.type : 'no answer'}`;
    else {
      send(ws, { type: 'message', room, text: 'probe', ref: `probe-${k}` });
      const ack = await waitJson(ws, (f) => f.type === 'ack' || f.type === 'error', 5000);
      r.ws = ack && ack.type === 'ack' ? 'ok' : `message: ${ack ? ack.code : 'no ack'}`;
    }
    ws.terminate();
  }
  r.ms = Date.now() - started;
  const st = await get(ctx.port, '/api/status', { timeoutMs: 10000, src });
  r.status = st.status;
  r.ok = r.ws === 'ok' && r.status === 200;
  return r;
}

/** Ends every client socket an attack left open (tracked by openWs and `ctx.raw`). */
async function cleanup(ctx) {
  const all = [...ctx.sockets];
  for (const ws of all) ws.terminate();
  for (const raw of ctx.raw) raw.destroy();
  ctx.raw.clear();
  await Promise.race([Promise.all(all.map((ws) => ws.closed)), sleep(10000)]);
}

// ------------------------------------------------------------ 1. history flood
async function historyFlood(ctx) {
  const room = 910001 + ctx.round;
  const line = '\u0001'.repeat(D.maxText);
  const answered = {};
  // Fill: guests on /ws/chat (one address), each line a stream message; paced under the rates.
  const fillers = [];
  const hs = {};
  for (let i = 0; i < SIZE.fillConnections; i++) {
    const o = await openWs(ctx, `/ws/chat/${room}`, { src: '127.0.0.11' });
    count(hs, `fill handshake ${hsOutcome(o)}`);
    if (o.ws) fillers.push(o.ws);
  }
  let received = 0;
  if (fillers.length) fillers[0].on('line', () => received++);
  const fillStart = Date.now();
  const per = Math.ceil(SIZE.fill / Math.max(1, fillers.length));
  let sent = 0;
  await Promise.all(fillers.map((ws, k) => paced(Math.min(per, SIZE.fill - k * per), SIZE.fillRate, Date.now() + 120000, () => {
    send(ws, line);
    sent++;
  })));
  // wait until the first filler has seen every line come back (drops on /ws/chat are silent)
  let last = -1;
  let lastChange = Date.now();
  while (received < sent && Date.now() - lastChange < 5000) {
    if (received !== last) {
      last = received;
      lastChange = Date.now();
    }
    await sleep(200);
  }
  const fillS = (Date.now() - fillStart) / 1000;
  for (const ws of fillers) ws.terminate();
  log(`  history flood: ${sent} lines of ${D.maxText} × U+0001 sent to room ${room} in ${fillS.toFixed(1)} s; ${received} came back to the first sender`);

  // Reads with a token (the rights include the room): HTTP and WebSocket `history` frames in parallel.
  const tok = (u) => token(u, [room]);
  const answers = [];
  const readOne = async (kind, i) => {
    if (kind === 'http') {
      const r = await get(ctx.port, `/api/rooms/${room}/history?limit=1000`, { tok: tok(`reader-${i}`), src: '127.0.0.12', timeoutMs: SIZE.readTimeoutS * 1000 });
      const a = { kind: 'HTTP token', outcome: outcome(r), bytes: r.bytes, ms: r.ms, complete: /"complete"\s*:\s*(true|false)/.exec(r.tail || '')?.[1] ?? null, messages: r.json && Array.isArray(r.json.messages) ? r.json.messages.length : null, latest: r.json ? r.json.offset : null };
      answers.push(a);
      return a;
    }
    const started = Date.now();
    const c = await rawConnect({ host: HOST, port: ctx.port, path: '/ws/auth', headers: { Authorization: `Bearer ${tok(`reader-ws-${i}`)}` }, localAddress: '127.0.0.12' });
    if (!c.ws) {
      const a = { kind: 'WS token', outcome: `handshake ${c.status || c.err}`, bytes: 0, ms: Date.now() - started };
      answers.push(a);
      return a;
    }
    ctx.raw.add(c.ws);
    const a = await rawHistory(c.ws, room, `h${i}`, true, SIZE.readTimeoutS * 1000);
    a.kind = 'WS token';
    a.ms = Date.now() - started;
    answers.push(a);
    c.ws.destroy();
    return a;
  };
  const readsStart = Date.now();
  await Promise.all([
    ...Array.from({ length: SIZE.httpReaders }, (_, i) => readOne('http', i)),
    ...Array.from({ length: SIZE.wsReaders }, (_, i) => readOne('ws', i)),
  ]);
  const readsS = (Date.now() - readsStart) / 1000;
  // The same without a token: HTTP, and a guest's `history` frame without joining.
  const anonHttp = await get(ctx.port, `/api/rooms/${room}/history?limit=1000`, { src: '127.0.0.13', timeoutMs: SIZE.readTimeoutS * 1000 });
  answers.push({ kind: 'HTTP anonymous', outcome: outcome(anonHttp), bytes: anonHttp.bytes, ms: anonHttp.ms, complete: /"complete"\s*:\s*(true|false)/.exec(anonHttp.tail || '')?.[1] ?? null });
  const g = await rawConnect({ host: HOST, port: ctx.port, path: '/ws/realtime', localAddress: '127.0.0.13' });
  if (g.ws) {
    ctx.raw.add(g.ws);
    const a = await rawHistory(g.ws, room, 'anon', false, SIZE.readTimeoutS * 1000);
    a.kind = 'WS guest, not joined';
    answers.push(a);
    g.ws.destroy();
  } else answers.push({ kind: 'WS guest, not joined', outcome: `handshake ${g.status || g.err}`, bytes: 0 });

  for (const a of answers) count(answered, `${a.kind}: ${a.outcome}`);
  const over = answers.filter((a) => a.bytes > D.answerBytes);
  const maxBytes = Math.max(0, ...answers.map((a) => a.bytes || 0));
  const tokenAnswers = answers.filter((a) => a.kind.includes('token'));
  const tokenOk = tokenAnswers.every((a) => a.outcome === '200' || a.outcome === 'history');
  for (const a of answers) log(`  history flood: ${a.kind}: ${a.outcome}, ${n(a.bytes)} bytes in ${a.ms} ms, complete ${a.complete ?? '–'}${a.messages !== undefined && a.messages !== null ? `, ${a.messages} messages` : ''}`);
  return {
    answered: { ...hs, ...answered },
    bound: `each answer ≤ history.answer-bytes ${n(D.answerBytes)} B (answers with a token: 200 / \`history\`)`,
    measured: `${sent} lines (${received} seen) in ${fillS.toFixed(0)} s; ${tokenAnswers.length} parallel reads with a token in ${readsS.toFixed(1)} s; largest answer ${n(maxBytes)} B (${bytesMb(maxBytes)} MiB), ${over.length} of ${answers.length} over the bound`,
    pass: over.length === 0 && tokenOk,
    detail: { room, sent, received, fillS, readsS, answers },
  };
}

/** Joins (when `join`) and sends one `history` frame with limit 1000 on a RawWs; the answer's size and kind. */
async function rawHistory(ws, room, ref, join, timeoutMs) {
  const frames = [];
  const waiter = (pred) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs);
      const check = () => {
        const f = frames.find(pred);
        if (f) {
          clearTimeout(timer);
          ws.removeListener('message', onMsg);
          resolve(f);
        }
      };
      const onMsg = () => check();
      ws.on('message', onMsg);
      ws.closed.then(() => {
        clearTimeout(timer);
        resolve(frames.find(pred) || null);
      });
      check();
    });
  ws.on('message', (m) => {
    let type = null;
    let code = null;
    let json = null;
    if (m.whole !== null) {
      try {
        json = JSON.parse(m.whole);
        type = json.type;
        code = json.code || null;
      } catch (e) {
        /* not JSON */
      }
    } else type = /"type"\s*:\s*"([a-z_]+)"/.exec(m.head)?.[1] ?? null;
    frames.push({ ...m, type, code, json });
  });
  if (join) {
    ws.sendText(JSON.stringify({ type: 'join', room }));
    const j = await waiter((f) => f.type === 'joined' || f.type === 'error');
    if (!j || j.type !== 'joined') return { outcome: `join ${j ? j.code || j.type : 'no answer'}`, bytes: 0 };
  } else await waiter((f) => f.type === 'welcome');
  const sentAt = Date.now();
  ws.sendText(JSON.stringify({ type: 'history', room, limit: 1000, ref }));
  const a = await waiter((f) => f.type === 'history' || (f.type === 'error' && (!f.json || f.json.ref === ref)));
  if (!a) return { outcome: ws.closeCode ? `closed ${ws.closeCode}` : 'no answer', bytes: 0, ms: Date.now() - sentAt };
  return {
    outcome: a.type === 'history' ? 'history' : `error ${a.code}`,
    bytes: a.bytes,
    ms: a.at - sentAt,
    complete: /"complete"\s*:\s*(true|false)/.exec(a.tail)?.[1] ?? null,
    messages: a.json && Array.isArray(a.json.messages) ? a.json.messages.length : null,
  };
}

// ------------------------------------------------------------ 2. key flood
async function keyFlood(ctx) {
  const base = 920001 + ctx.round * 100;
  const answered = {};
  const users = [];
  for (let i = 0; i < SIZE.keyfloodUsers; i++) {
    const o = await openWs(ctx, '/ws/auth', { src: '127.0.0.21', tok: token(`keyflood-${ctx.round}-${i}`) });
    count(answered, `handshake ${hsOutcome(o)}`);
    if (!o.ws) continue;
    const room = base + i;
    send(o.ws, { type: 'join', room });
    const j = await waitJson(o.ws, (f) => f.type === 'joined' || f.type === 'error', 5000);
    count(answered, `join ${j ? j.code || j.type : 'no answer'}`);
    if (j && j.type === 'joined') users.push({ ws: o.ws, room, i });
  }
  // 64 KiB frames: the largest text whose frame stays within limits.max-text
  const text = 'k'.repeat(D.maxText - 128);
  let acks = 0;
  for (const u of users) {
    u.ws.on('json', (f) => {
      if (f.type === 'ack') acks++;
      else if (f.type === 'error') count(answered, `error ${f.code}`);
      else if (f.type !== 'message') count(answered, f.type);
    });
  }
  const start = Date.now();
  const deadline = start + SIZE.keyfloodS * 1000;
  let sent = 0;
  await Promise.all(users.map((u) => paced(Infinity, SIZE.keyfloodRate, deadline, (k) => {
    send(u.ws, `{"type":"message","room":${u.room},"text":"${text}","ref":"kf-${ctx.round}-${u.i}-${k}"}`);
    sent++;
  })));
  // the last acks
  const until = Date.now() + 5000;
  while (acks < sent && Date.now() < until) await sleep(100);
  const seconds = (Date.now() - start) / 1000;
  count(answered, 'ack', acks);
  const textMiB = bytesMb(acks * text.length);
  log(`  key flood: ${users.length} users, ${sent} messages of ${n(text.length)} B with unique refs in ${seconds.toFixed(1)} s, ${acks} acknowledged (${textMiB} MiB of text)`);
  // the keys are kept for history.ttl (300 s): measure while they are
  const after = ctx.measure();
  for (const u of users) u.ws.terminate();
  const growthKb = after.histKb !== null && ctx.before.histKb !== null ? after.histKb - ctx.before.histKb : null;
  const boundKb = (D.maxBytes / 1024) * 1.1;
  return {
    after,
    answered,
    bound: `live heap growth ≤ history.max-bytes ${bytesMb(D.maxBytes)} MiB (+10 % for object overhead); texts acknowledged ${textMiB} MiB`,
    measured: `${n(acks)} publishes acknowledged (${textMiB} MiB of text) in ${seconds.toFixed(0)} s; live heap +${mb(growthKb)} MB while the keys are kept`,
    pass: growthKb !== null && growthKb <= boundKb,
    detail: { users: users.length, sent, acks, seconds, textBytes: text.length, growthKb },
  };
}

// ------------------------------------------------------------ 3. distinct-room reads
async function distinctReads(ctx) {
  const answered = {};
  let created = 0;
  const reads = async (label, first, tok) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: SIZE.readConcurrency });
    let next = 0;
    const start = Date.now();
    const deadline = start + SIZE.readsS * 1000;
    await parallel(SIZE.readConcurrency, async () => {
      while (next < SIZE.reads && Date.now() < deadline) {
        const i = next++;
        const r = await get(ctx.port, `/api/rooms/${first + i}/history?limit=1`, { tok, agent, src: '127.0.0.31', keep: 4096 });
        count(answered, `${label}: ${outcome(r)}`);
        if (r.json && r.json.epoch !== null && r.json.epoch !== undefined) created++;
      }
    });
    agent.destroy();
    const s = (Date.now() - start) / 1000;
    log(`  distinct reads: ${label}: ${n(next)} of ${n(SIZE.reads)} rooms in ${s.toFixed(1)} s (${Math.round(next / s)}/s)`);
    return { done: next, s };
  };
  const withTok = await reads('HTTP token', 3000001, token(`reader3-${ctx.round}`));
  const anon = await reads('HTTP anonymous', 3200001);

  // WebSocket: `history` frames for distinct rooms, and joins the token refuses (forbidden_room).
  const conns = [];
  for (let i = 0; i < SIZE.wsReadConnections; i++) {
    const refuse = i % 2 === 1;
    const o = await openWs(ctx, '/ws/auth', { src: '127.0.0.32', tok: token(`reader3-ws-${ctx.round}-${i}`, refuse ? [3999999] : undefined) });
    count(answered, `WS handshake ${hsOutcome(o)}`);
    if (o.ws) conns.push({ ws: o.ws, refuse });
  }
  let wsCreated = 0;
  for (const c of conns) {
    c.ws.on('json', (f) => {
      if (f.type === 'history') {
        count(answered, `WS history frame: history, epoch ${f.epoch === null ? 'null' : 'set'}`);
        if (f.epoch !== null) wsCreated++;
      } else if (f.type === 'error') count(answered, `WS ${c.refuse ? 'join' : 'history frame'}: error ${f.code}`);
      else if (f.type === 'joined') count(answered, 'WS join: joined');
    });
  }
  let room = 3400001;
  const wsStart = Date.now();
  let frames = 0;
  await Promise.all(conns.map((c) => paced(Infinity, SIZE.keyfloodRate, wsStart + SIZE.wsReadS * 1000, () => {
    const r = room++;
    send(c.ws, c.refuse ? { type: 'join', room: r } : { type: 'history', room: r, limit: 1 });
    frames++;
  })));
  await sleep(1500);
  for (const c of conns) c.ws.terminate();
  log(`  distinct reads: WebSocket: ${frames} frames for distinct rooms over ${conns.length} connections in ${SIZE.wsReadS} s`);
  await sleep(1000);
  const m = await metrics(ctx.port);
  const streamsDelta = m.streams !== undefined && ctx.beforeMetrics.streams !== undefined ? m.streams - ctx.beforeMetrics.streams : null;
  const after = ctx.measure();
  const growthKb = after.histKb !== null && ctx.before.histKb !== null ? after.histKb - ctx.before.histKb : null;
  const totalCreated = created + wsCreated;
  return {
    after,
    answered,
    bound: 'reads create nothing: every answer `epoch:null`, 0 streams more (roomcast_streams), live heap +≤ 16 MB',
    measured: `${n(withTok.done)} (token) + ${n(anon.done)} (anonymous) of ${n(SIZE.reads)} + ${n(SIZE.reads)} HTTP reads (${Math.round((withTok.done + anon.done) / (withTok.s + anon.s))}/s), ${n(frames)} WS frames; ${n(totalCreated)} answers with an epoch (a stream made); roomcast_streams ${streamsDelta === null ? '–' : (streamsDelta >= 0 ? '+' : '') + n(streamsDelta)}; live heap ${growthKb >= 0 ? '+' : ''}${mb(growthKb)} MB`,
    pass: totalCreated === 0 && (streamsDelta === null || streamsDelta <= 0) && growthKb !== null && growthKb <= 16 * 1024,
    detail: { withToken: withTok, anonymous: anon, wsFrames: frames, created, wsCreated, streamsDelta, growthKb, metricsAfter: m },
  };
}

// ------------------------------------------------------------ 4. room-cap takeover
async function takeover(ctx) {
  const src = '127.0.0.41';
  const answered = {};
  const conns = [];
  const joinedRooms = new Set();
  const joinErrors = {};
  const openDeadline = Date.now() + SIZE.takeoverOpenS * 1000;
  let opened = 0;
  let attempts = 0;
  let retryUntil = 0;
  const joinsDone = [];
  const closes = {};
  let ended = false;
  // each connection joins roomsPerConnection distinct rooms, paced under limits.rate; then once
  // more those that got no `joined` (a join dropped for the rate), as an attacker would
  const joinAll = async (ws, c) => {
    const mine = new Set();
    ws.once('close', (code) => ended || count(closes, `closed by the server ${code}`));
    ws.on('json', (f) => {
      if (f.type === 'joined') {
        joinedRooms.add(f.room);
        mine.add(f.room);
      } else if (f.type === 'error') count(joinErrors, f.code);
    });
    const until = openDeadline + SIZE.takeoverJoinS * 1000;
    const rooms = Array.from({ length: D.roomsPerConnection }, (_, j) => 4000001 + c * D.roomsPerConnection + j);
    await paced(rooms.length, SIZE.keyfloodRate, until, (j) => send(ws, { type: 'join', room: rooms[j] }));
    await sleep(1000);
    const missing = rooms.filter((r) => !mine.has(r));
    await paced(missing.length, SIZE.keyfloodRate / 2, until, (j) => send(ws, { type: 'join', room: missing[j] }));
  };
  await parallel(8, async () => {
    while (attempts < SIZE.takeoverConnections && opened < SIZE.takeoverConnections && Date.now() < openDeadline) {
      if (Date.now() < retryUntil) {
        await sleep(Math.min(retryUntil, openDeadline) - Date.now());
        continue;
      }
      attempts++;
      const o = await openWs(ctx, '/ws/realtime', { src, timeoutMs: 10000 });
      count(answered, `handshake ${hsOutcome(o)}`);
      if (o.ws) {
        const c = opened++;
        conns.push(o.ws);
        joinsDone.push(joinAll(o.ws, c));
      } else if (o.status === 429 && o.code !== 'too_many_connections') {
        attempts--; // a rate refusal: wait as told, then try again (a real attacker would)
        retryUntil = Date.now() + 1000 * Math.max(1, Number(o.retryAfter) || 1);
      } else if (o.status === 429) break;
    }
  });
  const openS = SIZE.takeoverOpenS - Math.max(0, (openDeadline - Date.now()) / 1000);
  await Promise.all(joinsDone);
  await sleep(1500);
  // Rooms held: what /api/status lists now (only the attacker has members), not the joins answered,
  // which count again a room left (a connection closed for its rate) and joined again.
  const st = await get(ctx.port, '/api/status', { timeoutMs: 15000, keep: 64 << 20 });
  const roomsNow = st.json && Array.isArray(st.json.rooms) ? st.json.rooms.length : null;
  const stillOpen = conns.filter((ws) => ws.readyState === WebSocket.OPEN).length;
  // Can a user elsewhere still create a room? A guest from another address joins a fresh room, and
  // opens /ws/chat to another fresh room.
  const other = await openWs(ctx, '/ws/realtime', { src: '127.0.0.42' });
  let otherJoin = `handshake ${hsOutcome(other)}`;
  if (other.ws) {
    send(other.ws, { type: 'join', room: 4999001 + ctx.round });
    const j = await waitJson(other.ws, (f) => f.type === 'joined' || f.type === 'error', 10000);
    otherJoin = j ? (j.type === 'joined' ? 'joined' : `error ${j.code}`) : 'no answer';
    other.ws.terminate();
  }
  const otherChat = await openWs(ctx, `/ws/chat/${4999501 + ctx.round}`, { src: '127.0.0.42' });
  const otherChatOutcome = hsOutcome(otherChat);
  if (otherChat.ws) otherChat.ws.terminate();
  count(answered, `joined (distinct rooms)`, joinedRooms.size);
  for (const [k, v] of Object.entries(joinErrors)) count(answered, `join error ${k}`, v);
  for (const [k, v] of Object.entries(closes)) count(answered, k, v);
  log(`  takeover: ${opened} connections from ${src} in ${openS.toFixed(0)} s (${stillOpen} still open), ${n(joinedRooms.size)} distinct rooms joined (errors ${fmtCounts(joinErrors)}; ${fmtCounts(closes)}); /api/status lists ${n(roomsNow)} rooms; another address: join ${otherJoin}, /ws/chat ${otherChatOutcome}`);
  const after = ctx.measure(); // while the attacker still holds its rooms
  ended = true;
  for (const ws of conns) ws.terminate();
  return {
    after,
    afterNote: 'while the attacker held its rooms',
    answered: { ...answered, [`another address: join ${otherJoin}`]: 1, [`another address: /ws/chat ${otherChatOutcome}`]: 1 },
    bound: `rooms held by one address ≤ limits.rooms-per-user ${n(D.roomsPerUser)}; a user at another address can still create a room (limits.rooms ${n(D.rooms)})`,
    measured: `${n(opened)} connections from one address (${n(stillOpen)} still open), ${n(roomsNow)} rooms held (/api/status; ${n(joinedRooms.size)} distinct rooms answered \`joined\`); another address: join ${otherJoin}, /ws/chat ${otherChatOutcome}`,
    pass: roomsNow !== null && roomsNow <= D.roomsPerUser && otherJoin === 'joined' && otherChatOutcome === '101',
    detail: { opened, stillOpen, attempts, openS, joinedRooms: joinedRooms.size, roomsOnStatus: roomsNow, joinErrors, closes, otherJoin, otherChat: otherChatOutcome },
  };
}

// ------------------------------------------------------------ 5. reconnect to reset
async function reconnectReset(ctx) {
  const answered = {};
  const run = async (label, srcs, tok, room) => {
    const start = Date.now();
    const deadline = start + SIZE.resetS * 1000;
    let accepted = 0;
    let cycles = 0;
    const handshakes = {};
    const perAddress = {};
    await parallel(SIZE.resetInFlight, async () => {
      while (Date.now() < deadline && cycles < 100000) {
        const cycle = cycles++;
        const src = srcs[cycle % srcs.length];
        const o = await openWs(ctx, tok ? '/ws/auth' : '/ws/realtime', { src, tok, timeoutMs: 5000 });
        count(handshakes, hsOutcome(o));
        if (!o.ws) {
          if (o.status === 429) await sleep(50); // refused: try again at once, as an attacker would
          continue;
        }
        count(perAddress, src);
        const ws = o.ws;
        let last = Date.now();
        let acks = 0;
        ws.on('json', (f) => {
          last = Date.now();
          if (f.type === 'ack') acks++;
          else if (f.type === 'error') count(answered, `${label}: error ${f.code}`);
        });
        send(ws, { type: 'join', room });
        for (let k = 0; k < SIZE.resetBurst; k++) send(ws, { type: 'message', room, text: 'x', ref: `r${cycle}-${k}` });
        // until every message is acknowledged, or nothing came for 300 ms (the rest were dropped)
        const until = Math.min(Date.now() + 2000, deadline + 2000);
        while (acks < SIZE.resetBurst && Date.now() - last < 300 && Date.now() < until) await sleep(20);
        accepted += acks;
        ws.terminate();
      }
    });
    const seconds = (Date.now() - start) / 1000;
    for (const [k, v] of Object.entries(handshakes)) count(answered, `${label}: handshake ${k}`, v);
    count(answered, `${label}: ack`, accepted);
    const msgBound = D.userBurst + D.userRate * seconds;
    const hsBound = D.handshakeBurst + D.handshakeRate * seconds;
    const maxPerAddress = Math.max(0, ...Object.values(perAddress));
    log(`  reconnect: ${label}: ${cycles} cycles in ${seconds.toFixed(1)} s, ${accepted} publishes acknowledged (${Math.round(accepted / seconds)}/s; bound ${Math.round(msgBound)}), handshakes ${fmtCounts(handshakes)} (at most ${maxPerAddress} from one address; bound ${Math.round(hsBound)})`);
    return { label, seconds, cycles, accepted, handshakes, perAddress, msgBound, hsBound, maxPerAddress, pass: accepted <= msgBound && maxPerAddress <= hsBound };
  };
  // Handshakes alone from one address, as fast as they come (8 in flight), each dropped at once.
  const hsOnly = async (src) => {
    const start = Date.now();
    const deadline = start + SIZE.resetS * 1000;
    const handshakes = {};
    let opened = 0;
    let tries = 0;
    await parallel(8, async () => {
      while (Date.now() < deadline && tries < 50000) {
        tries++;
        const o = await openWs(ctx, '/ws/realtime', { src, timeoutMs: 5000 });
        count(handshakes, hsOutcome(o));
        if (o.ws) {
          opened++;
          o.ws.terminate();
        }
      }
    });
    const seconds = (Date.now() - start) / 1000;
    const hsBound = D.handshakeBurst + D.handshakeRate * seconds;
    for (const [k, v] of Object.entries(handshakes)) count(answered, `handshakes only: ${k}`, v);
    log(`  reconnect: handshakes only from ${src}: ${tries} in ${seconds.toFixed(1)} s, ${opened} opened (bound ${Math.round(hsBound)}): ${fmtCounts(handshakes)}`);
    return { seconds, tries, opened, handshakes, hsBound, pass: opened <= hsBound };
  };
  const hs = await hsOnly('127.0.0.56');
  const guest = await run('guest, one address', ['127.0.0.51'], null, 950001 + ctx.round);
  const user = await run('one user, 4 addresses', ['127.0.0.52', '127.0.0.53', '127.0.0.54', '127.0.0.55'], token(`resetter-${ctx.round}`), 950101 + ctx.round);
  const f = (r) => `${r.label}: ${n(r.accepted)} accepted in ${r.seconds.toFixed(0)} s (${Math.round(r.accepted / r.seconds)}/s), ${n(r.maxPerAddress)} handshakes from one address`;
  return {
    answered,
    bound: `per user (guest: per address) accepted ≤ user-burst ${D.userBurst} + user-rate ${D.userRate}/s × t (${Math.round(guest.msgBound)} / ${Math.round(user.msgBound)}); handshakes per address ≤ ${D.handshakeBurst} + ${D.handshakeRate}/s × t (${Math.round(hs.hsBound)})`,
    measured: `handshakes only: ${n(hs.opened)} of ${n(hs.tries)} opened from one address in ${hs.seconds.toFixed(0)} s; ${f(guest)}; ${f(user)}`,
    pass: hs.pass && guest.pass && user.pass,
    detail: { handshakesOnly: hs, guest, user },
  };
}

// ------------------------------------------------------------ 6. non-reading members
/** ESTABLISHED loopback TCP sockets by local "ip:port" (from /proc/net/tcp, as the client's kernel sees them). */
function tcpStates() {
  const out = new Map();
  try {
    for (const line of fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4) continue;
      out.set(f[1], f[3]);
    }
  } catch (e) {
    /* no /proc */
  }
  return out;
}
/** The /proc/net/tcp key of an IPv4 address and port ("0100007F:1F90" for 127.0.0.1:8080). */
const tcpKey = (ip, port) => `${Buffer.from(ip.split('.').map(Number).reverse()).toString('hex').toUpperCase()}:${port.toString(16).toUpperCase().padStart(4, '0')}`;

async function nonReaders(ctx) {
  const room = 960001 + ctx.round;
  const answered = {};
  // A JSON member that reads: it sees the presence events (join and leave) of the chat members.
  const r = await openWs(ctx, '/ws/realtime', { src: '127.0.0.61' });
  if (!r.ws) throw new Error(`reader handshake ${hsOutcome(r)}`);
  const reader = r.ws;
  const leaves = new Map(); // user -> time the reader saw its presence leave
  const presenceJoins = [];
  reader.on('json', (f) => {
    if (f.type === 'presence' && f.room === room && f.event === 'leave') leaves.set(f.user, Date.now());
    if (f.type === 'presence' && f.room === room && f.event === 'join') presenceJoins.push(f.user);
  });
  send(reader, { type: 'join', room });
  await waitJson(reader, (f) => f.type === 'joined', 5000);
  // Non-reading members: /ws/chat connections that stop reading at once (ws.pause(): the kernel's
  // receive buffer fills, the window closes, the server's writes back up).
  const slow = [];
  for (let i = 0; i < SIZE.slowMembers; i++) {
    const joinSeenP = waitJson(reader, (f) => f.type === 'presence' && f.event === 'join' && f.room === room, 5000);
    const o = await openWs(ctx, `/ws/chat/${room}`, { src: '127.0.0.62' });
    count(answered, `member handshake ${hsOutcome(o)}`);
    if (!o.ws) continue;
    const joinSeen = await joinSeenP;
    o.ws.pause();
    const local = o.ws._socket;
    slow.push({ ws: o.ws, user: joinSeen ? joinSeen.user : null, key: tcpKey(local.localAddress, local.localPort), closedAt: null });
  }
  // Publishers: chat members that read, each relaying 256 KB binary frames under limits.rate (binary
  // relays are not kept in the room's stream, so the heap after shows what the server still queues).
  const pubs = [];
  for (let i = 0; i < SIZE.slowPublishers; i++) {
    const o = await openWs(ctx, `/ws/chat/${room}`, { src: `127.0.0.${63 + i}` });
    count(answered, `publisher handshake ${hsOutcome(o)}`);
    if (o.ws) pubs.push(o.ws);
  }
  const m0 = await metrics(ctx.port);
  const slowBefore = m0.slow_consumer_closes_total || 0;
  const frame = crypto.randomBytes(SIZE.slowFrameBytes);
  const start = Date.now();
  const deadline = start + SIZE.slowFloodS * 1000;
  let metricAt = null;
  let metricCount = 0;
  let polling = true;
  // the slow-consumer counter, 4 times a second: when the server detected each overflow
  const poller = (async () => {
    while (polling) {
      const m = await metrics(ctx.port);
      const c = (m.slow_consumer_closes_total || 0) - slowBefore;
      if (c > metricCount) {
        metricCount = c;
        if (metricAt === null) metricAt = Date.now();
      }
      await sleep(250);
    }
  })();
  // the client's view of each non-reader's TCP connection, every 50 ms
  const watcher = setInterval(() => {
    const states = tcpStates();
    for (const s of slow) if (s.closedAt === null && states.get(s.key) !== '01') s.closedAt = Date.now();
  }, 50);
  const allClosed = () => slow.every((s) => s.closedAt !== null);
  let sent = 0;
  await Promise.all(pubs.map((ws) => paced(Infinity, SIZE.keyfloodRate, deadline, () => {
    if (allClosed() && Date.now() - Math.max(...slow.map((s) => s.closedAt)) > 1000) return false;
    if (ws.readyState === WebSocket.OPEN) ws.send(frame, { binary: true });
    sent++;
  })));
  const floodS = (Date.now() - start) / 1000;
  const waitUntil = Date.now() + SIZE.slowWaitS * 1000;
  while (!allClosed() && Date.now() < waitUntil) await sleep(100);
  clearInterval(watcher);
  polling = false;
  await poller;
  // the live heap now, with the non-readers still connected as far as the client knows
  const after = ctx.measure();
  const rows = slow.map((s, i) => {
    const overflowAt = (s.user && leaves.get(s.user)) || metricAt;
    return { member: i, user: s.user, leaveSeenMs: s.user && leaves.has(s.user) ? leaves.get(s.user) - start : null, overflowMs: overflowAt ? overflowAt - start : null, closedMs: s.closedAt ? s.closedAt - start : null, closeAfterOverflowMs: s.closedAt && overflowAt ? s.closedAt - overflowAt : null };
  });
  for (const x of rows) log(`  non-readers: member ${x.member} (${x.user}): overflow at ${x.overflowMs} ms (presence leave ${x.leaveSeenMs ?? '–'} ms), TCP closed at ${x.closedMs ?? 'never'} ms → ${x.closeAfterOverflowMs ?? '–'} ms after`);
  count(answered, 'slow-consumer closes (metric)', metricCount);
  count(answered, 'presence leave seen', rows.filter((x) => x.leaveSeenMs !== null).length);
  count(answered, 'TCP closed (client view)', rows.filter((x) => x.closedMs !== null).length);
  const worst = rows.every((x) => x.closeAfterOverflowMs !== null) ? Math.max(...rows.map((x) => x.closeAfterOverflowMs)) : null;
  const growthKb = after.histKb !== null && ctx.before.histKb !== null ? after.histKb - ctx.before.histKb : null;
  const overflowed = rows.filter((x) => x.overflowMs !== null).length;
  for (const ws of pubs) ws.terminate();
  reader.terminate();
  return {
    after,
    afterNote: 'before the client let go of the non-readers',
    answered,
    bound: `TCP closed ≤ ${D.closeWithinMs / 1000} s after the overflow (send-queue ${n(D.sendQueue)} / send-queue-bytes ${bytesMb(D.sendQueueBytes)} MiB); live heap growth ≤ ${SIZE.slowMembers} × send-queue-bytes`,
    measured: `${SIZE.slowMembers} non-readers, ${n(sent)} frames of ${SIZE.slowFrameBytes / 1024} KB in ${floodS.toFixed(0)} s; ${overflowed} overflowed; TCP closed after the overflow: ${rows.map((x) => (x.closeAfterOverflowMs === null ? (x.overflowMs === null ? 'no overflow' : `open at +${((Date.now() - start - x.overflowMs) / 1000).toFixed(0)} s`) : `${x.closeAfterOverflowMs} ms`)).join(', ')}; live heap ${growthKb >= 0 ? '+' : ''}${mb(growthKb)} MB`,
    pass: overflowed === rows.length && worst !== null && worst <= D.closeWithinMs && growthKb !== null && growthKb <= (SIZE.slowMembers * D.sendQueueBytes) / 1024,
    detail: { rows, sent, floodS, metricCount, growthKb },
  };
}

// ------------------------------------------------------------ the run
const ATTACK = {
  1: { name: 'history flood', fn: historyFlood },
  2: { name: 'key flood', fn: keyFlood },
  3: { name: 'distinct-room reads', fn: distinctReads },
  4: { name: 'room-cap takeover from one address', fn: takeover },
  5: { name: 'reconnect to reset rates', fn: reconnectReset },
  6: { name: 'non-reading members', fn: nonReaders },
};

async function runServer(name) {
  const why = missing(name);
  if (why) {
    log(`${name}: skipped, ${why}`);
    return { name, title: cfg.servers[name].title, skipped: why, attacks: [] };
  }
  const res = { name, title: cfg.servers[name].title, attacks: [], restarts: 0 };
  let server = null;
  const logFile = path.join(OUT, `${name}.server.log`);
  res.readyS = [];
  const boot = async () => {
    server = await servers.start(name, undefined, { env: ABUSE_ENV, port: PORTS[name] });
    res.jvmOpts = server.jvmOpts;
    res.readyS.push(server.readyS);
  };
  let round = 0;
  const plan = GROUPS.flatMap((g, k) => g.map((id, j) => ({ id, fresh: j === 0, group: k + 1 })));
  for (const { id, fresh, group } of plan) {
    const a = ATTACK[id];
    if (fresh) {
      await servers.stop();
      log(`${name}: a fresh server for attacks ${GROUPS[group - 1].join(', ')}`);
      await boot();
    } else if (!servers.alive()) {
      log(`${name}: server gone, starting it again for attack ${id}`);
      res.restarts++;
      await boot();
    }
    const { pid, port } = server;
    const quiet = await S.waitIdle([pid], 30000);
    const ctx = { port, pid, round: round++, sockets: new Set(), raw: new Set() };
    ctx.before = liveHeap(pid);
    ctx.beforeMetrics = await metrics(port);
    let afterTaken = null;
    ctx.measure = () => (afterTaken = liveHeap(pid));
    log(`${name}: attack ${id} (${a.name}): live heap before ${mb(ctx.before && ctx.before.histKb)} MB (${quiet.idle ? 'quiet' : 'NOT quiet'})`);
    const logFrom = logSize(logFile);
    const sampler = heapSampler(pid);
    const started = Date.now();
    let r;
    try {
      let timer;
      r = await Promise.race([a.fn(ctx), new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(`attack over its ${ATTACK_BUDGET_S} s budget`)), ATTACK_BUDGET_S * 1000)))]);
      clearTimeout(timer);
    } catch (e) {
      log(`${name}: attack ${id} error: ${e.stack || e}`);
      r = { answered: {}, bound: '–', measured: `error: ${e.message}`, pass: false, error: String(e.message) };
    }
    const seconds = (Date.now() - started) / 1000;
    const peakKb = await sampler.stop();
    await cleanup(ctx);
    const alive = servers.alive();
    const after = r.after || afterTaken || (alive ? liveHeap(pid) : null);
    const oom = oomSince(logFile, logFrom);
    const pr = alive ? await probe(ctx) : { ok: false, ws: 'server process gone', status: null };
    await cleanup(ctx);
    const grew = after && after.classes && ctx.before && ctx.before.classes
      ? Object.entries(after.classes).map(([k, v]) => ({ cls: k, kb: v.kb - ((ctx.before.classes[k] || {}).kb || 0), n: v.n - ((ctx.before.classes[k] || {}).n || 0) })).filter((x) => x.kb >= 1024).sort((x, y) => y.kb - x.kb).slice(0, 6)
      : [];
    const row = { id, group, grew, name: a.name, seconds, before: ctx.before, after, afterNote: r.afterNote || null, peakKb, oom, probe: pr, alive, ...r };
    delete row.fn;
    row.verdict = r.pass && pr.ok && alive && !oom ? 'PASS' : 'FAIL';
    res.attacks.push(row);
    log(`${name}: attack ${id} ${row.verdict} in ${seconds.toFixed(0)} s: ${r.measured}; heap ${mb(ctx.before && ctx.before.histKb)} → ${mb(after && after.histKb)} MB (peak in use ${mb(peakKb)} MB), OOM ${oom}, afterwards: ws ${pr.ws}, /api/status ${pr.status}`);
    if (!pr.ok && servers.alive()) {
      log(`${name}: the server does not answer properly after attack ${id}: restarting it for the next attack`);
      await servers.stop();
    }
  }
  await servers.stop();
  return res;
}

// ------------------------------------------------------------ report
function table(results) {
  const lines = [];
  for (const r of results) {
    lines.push(`#### ${r.title}${r.skipped ? ` — skipped: ${r.skipped}` : ''}`, '');
    if (r.skipped) continue;
    lines.push('| # | attack | server answered | bound | measured | live heap before → after (MB) | peak heap in use (MB) | server afterwards | verdict |', '|---|---|---|---|---|---|---:|---|---|');
    for (const a of [...r.attacks].sort((x, y) => x.id - y.id)) {
      const heap = `${mb(a.before && a.before.histKb) ?? '–'} → ${mb(a.after && a.after.histKb) ?? '–'}${a.afterNote ? ` (${a.afterNote})` : ''}`;
      const after = `${a.alive ? '' : 'process gone; '}WS join+message ${a.probe.ws}${a.probe.ms ? ` (${a.probe.ms} ms)` : ''}, /api/status ${a.probe.status ?? '–'}${a.oom ? `; ${a.oom} OutOfMemoryError in the log` : ''}`;
      lines.push(`| ${a.id} | ${a.name} | ${fmtCounts(a.answered).replace(/\|/g, '/')} | ${a.bound} | ${a.measured} | ${heap} | ${mb(a.peakKb) ?? '–'} | ${after} | **${a.verdict}** |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** Per attack: the classes whose live bytes grew most (the histograms before and after). */
function grown(results) {
  const lines = [];
  for (const r of results) {
    for (const a of [...(r.attacks || [])].sort((x, y) => x.id - y.id)) {
      if (a.grew && a.grew.length) lines.push(`- ${r.title}, attack ${a.id} (${a.name}): ${a.grew.map((g) => `\`${g.cls}\` +${mb(g.kb)} MB (${g.n >= 0 ? '+' : ''}${n(g.n)})`).join(', ')}`);
    }
  }
  return lines.length ? ['Live objects that grew most from before to after (class histograms):', '', ...lines, ''] : [];
}

async function main() {
  log(`abuse: ${QUICK ? 'quick' : 'full'} run; servers ${SERVERS.join(', ')}; attacks ${ATTACKS.join(', ')}; results in ${OUT}`);
  const results = [];
  for (const name of SERVERS) {
    try {
      results.push(await runServer(name));
    } catch (e) {
      log(`${name}: error ${e.stack || e}`);
      results.push({ name, title: cfg.servers[name].title, skipped: `error: ${e.message}`, attacks: [] });
      await servers.stop();
    }
  }
  const settings = { quick: QUICK, sizes: SIZE, defaults: D, deviations: DEVIATIONS, jvm: process.env.BENCH_JVM_OPTS || cfg.jvm.variants[cfg.jvm.main] };
  fs.writeFileSync(path.join(OUT, 'abuse.json'), JSON.stringify({ startedAt: new Date(t0).toISOString(), seconds: (Date.now() - t0) / 1000, settings, results }, null, 2));
  const md = [
    `# Abuse bench (PROTOCOL 13), ${new Date(t0).toISOString()}${QUICK ? ' (--quick)' : ''}`,
    '',
    `Command: \`node bench/abuse.js ${process.argv.slice(2).join(' ')}\`. Roomcast with its default settings except: ${DEVIATIONS.join('; ')}. JVM \`${settings.jvm}\`. Live heap: the total of \`jcmd PID GC.class_histogram\` (the bytes of the objects still reachable after the full GC it forces). Peak heap in use: \`jstat -gc\` every 500 ms during the attack (garbage included). "Server afterwards": a fresh guest joins a fresh room on \`/ws/realtime\` and gets the ack of its message, then \`GET /api/status\`. A verdict is PASS when the bound held, the server answered afterwards and logged no OutOfMemoryError. Each group of attacks gets a fresh server, in this order: ${GROUPS.map((g) => g.join(', ')).join(' | ')} (what an attack leaves behind expires after history.ttl, 300 s, and would shrink a later attack's heap figure). Whole run: ${((Date.now() - t0) / 1000).toFixed(0)} s.`,
    '',
    table(results),
    ...grown(results),
  ];
  fs.writeFileSync(path.join(OUT, 'ABUSE.md'), md.join('\n') + '\n');
  console.log(table(results));
  log(`wrote ${path.join(OUT, 'ABUSE.md')} and abuse.json`);
  const failed = results.some((r) => r.attacks.some((a) => a.verdict !== 'PASS'));
  process.exitCode = failed ? 1 : 0;
}

main().catch(async (e) => {
  log(`fatal: ${e.stack || e}`);
  await servers.stop();
  process.exit(1);
});
