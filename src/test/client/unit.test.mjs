// What no correct server can be made to show: the backoff schedule, and that a message seen once
// (same epoch and offset) is never handed to the app again. A scripted socket plays the server's part.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, DEFAULT_BACKOFF_MS } from '../../../webapp/roomcast.js';

/** A WebSocket whose server side the test writes; every socket the client opens is kept. */
function scriptedSockets() {
  const sockets = [];
  class Scripted {
    constructor(url) {
      this.url = url;
      this.sent = [];
      sockets.push(this);
    }

    send(text) {
      this.sent.push(JSON.parse(text));
    }

    close() {}

    open() {
      this.onopen({});
      this.frame({ type: 'welcome', connectionId: 'c', user: 'alice', clientId: null, address: '127.0.0.1', heartbeatInterval: 30, timestamp: Date.now(), expiresAt: null });
    }

    frame(object) {
      this.onmessage({ data: JSON.stringify(object) });
    }

    drop(code = 1006, reason = '') {
      this.onclose({ code, reason });
    }
  }
  return { WebSocket: Scripted, sockets };
}

function message(room, offset, epoch = 'e1') {
  return { type: 'message', room, id: `m${offset}`, from: 'bob', text: `t${offset}`, ref: null, timestamp: 1, epoch, offset };
}

test('the backoff follows 10, 50, 100, 150, 200, 250, 500 ... ms, each with jitter between half and all of the step', async (t) => {
  const { WebSocket, sockets } = scriptedSockets();
  const rc = connect('ws://127.0.0.1:1/ws/realtime', { WebSocket, probe: false });
  t.after(() => rc.close());
  const delays = [];
  rc.on('disconnect', (d) => delays.push(d.delay));
  assert.deepEqual([...DEFAULT_BACKOFF_MS], [10, 50, 100, 150, 200, 250, 500, 1000, 2000, 5000]);
  for (let i = 0; i < 7; i++) {
    (await socket(sockets, i)).drop(); // never opened: a failed attempt
    const step = DEFAULT_BACKOFF_MS[i];
    assert.ok(delays[i] >= step / 2 && delays[i] <= step, `attempt ${i + 1}: ${delays[i]} ms for a step of ${step}`);
  }
});

test('the last step of the schedule repeats: the cap', async (t) => {
  const { WebSocket, sockets } = scriptedSockets();
  const rc = connect('ws://127.0.0.1:1/ws/realtime', { WebSocket, probe: false, backoff: [2, 8] });
  t.after(() => rc.close());
  const delays = [];
  rc.on('disconnect', (d) => delays.push(d.delay));
  for (let i = 0; i < 5; i++) (await socket(sockets, i)).drop();
  assert.ok(delays.slice(1).every((d) => d >= 4 && d <= 8), `delays ${delays}`);
});

/** The n-th socket the client opens (0-based), once it has. */
function socket(sockets, n) {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (sockets.length > n) {
        clearInterval(poll);
        resolve(sockets[n]);
      }
    }, 1);
  });
}

test('a message already seen (same epoch and offset) is not handed to the app again; a new epoch is', async (t) => {
  const { WebSocket, sockets } = scriptedSockets();
  const rc = connect('ws://127.0.0.1:1/ws/realtime', { WebSocket, probe: false });
  t.after(() => rc.close());
  const seen = [];
  rc.on('message', (m) => seen.push(`${m.epoch}:${m.offset}`));
  const joined = rc.join(7);
  (await socket(sockets, 0)).open();
  sockets[0].frame({ type: 'joined', room: 7, members: 1, epoch: 'e1', offset: 0, recovered: false, missed: 0 });
  await joined;
  for (const offset of [1, 2, 2, 1, 3]) sockets[0].frame(message(7, offset));
  sockets[0].frame(message(7, 1, 'e2'));
  assert.deepEqual(seen, ['e1:1', 'e1:2', 'e1:3', 'e2:1']);
  assert.deepEqual(rc.position(7), { epoch: 'e2', offset: 1 });
});

test('after a reconnect the client joins again with since = the last position seen, then resends unacknowledged publishes with their ref', async (t) => {
  const { WebSocket, sockets } = scriptedSockets();
  const rc = connect('ws://127.0.0.1:1/ws/realtime', { WebSocket, probe: false });
  t.after(() => rc.close());
  const joined = rc.join(7);
  (await socket(sockets, 0)).open();
  sockets[0].frame({ type: 'joined', room: 7, members: 1, epoch: 'e1', offset: 4, recovered: false, missed: 0 });
  await joined;
  sockets[0].frame(message(7, 5));
  const ack = rc.publish(7, 'hi');
  const sent = sockets[0].sent.find((f) => f.type === 'message');
  sockets[0].drop(1001, 'server shutting down');
  (await socket(sockets, 1)).open();
  const [join, resend] = sockets[1].sent;
  assert.equal(join.type, 'join');
  assert.deepEqual(join.since, { epoch: 'e1', offset: 5 });
  assert.deepEqual(resend, sent);
  sockets[1].frame({ type: 'ack', ref: sent.ref, room: 7, id: 'm6', epoch: 'e1', offset: 6 });
  assert.equal((await ack).offset, 6);
});

test('the joined event carries the since its join asked from: null on a first join, the last position on a rejoin', async (t) => {
  const { WebSocket, sockets } = scriptedSockets();
  const rc = connect('ws://127.0.0.1:1/ws/realtime', { WebSocket, probe: false });
  t.after(() => rc.close());
  const first = rc.join(7);
  (await socket(sockets, 0)).open();
  sockets[0].frame({ type: 'joined', room: 7, members: 1, epoch: 'e1', offset: 4, recovered: false, missed: 0 });
  assert.equal((await first).since, null);
  sockets[0].frame(message(7, 5));
  sockets[0].drop(1001, 'server shutting down');
  (await socket(sockets, 1)).open();
  const rejoined = new Promise((resolve) => rc.on('joined', resolve));
  sockets[1].frame({ type: 'joined', room: 7, members: 1, epoch: 'e2', offset: 2, recovered: false, missed: 0, reason: 'epoch_changed' });
  const event = await rejoined;
  assert.equal(event.rejoin, true);
  assert.equal(event.reason, 'epoch_changed');
  assert.deepEqual(event.since, { epoch: 'e1', offset: 5 });
  assert.deepEqual(rc.position(7), { epoch: 'e2', offset: 2 }, 'live messages follow from the reply\'s offset');
});

test('each server heartbeat is passed on as a heartbeat event', async (t) => {
  const { WebSocket, sockets } = scriptedSockets();
  const rc = connect('ws://127.0.0.1:1/ws/realtime', { WebSocket, probe: false });
  t.after(() => rc.close());
  const beats = [];
  rc.on('heartbeat', (h) => beats.push(h.timestamp));
  (await socket(sockets, 0)).open();
  sockets[0].frame({ type: 'heartbeat', timestamp: 41 });
  sockets[0].frame({ type: 'pong', timestamp: 42 });
  sockets[0].frame({ type: 'heartbeat', timestamp: 43 });
  assert.deepEqual(beats, [41, 43]);
});

test('reconnectNow skips the backoff wait; without a wait to skip it does nothing and says so', async (t) => {
  const { WebSocket, sockets } = scriptedSockets();
  const rc = connect('ws://127.0.0.1:1/ws/realtime', { WebSocket, probe: false, backoff: [60000] });
  t.after(() => rc.close());
  (await socket(sockets, 0)).open();
  assert.equal(rc.reconnectNow(), false, 'connected: nothing to skip');
  const waiting = new Promise((resolve) => rc.on('disconnect', resolve));
  sockets[0].drop(1006);
  assert.ok((await waiting).delay >= 30000);
  assert.equal(rc.reconnectNow(), true);
  (await socket(sockets, 1)).open();
  assert.equal(rc.state, 'open', 'the second socket was opened at once, not a minute later');
  rc.close();
  assert.equal(rc.reconnectNow(), false, 'closed: nothing to skip');
});
