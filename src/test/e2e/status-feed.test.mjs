// Unit tests of webapp/status-feed.js, the demo page's /ws/status loop, with a scripted socket:
//   node --test src/test/e2e/status-feed.test.mjs   (DemoPageIT runs them before the browser test)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusFeed } from '../../../webapp/status-feed.js';

/** A WebSocket whose server side the test plays; every socket the feed opens is kept. */
function scriptedSockets() {
  const sockets = [];
  class Scripted {
    constructor(url) {
      this.url = url;
      this.closed = false;
      sockets.push(this);
    }

    close() {
      this.closed = true;
    }

    frame(object) {
      this.onmessage?.({ data: JSON.stringify(object) });
    }

    drop() {
      this.onclose?.({ code: 1006, reason: '' });
    }
  }
  return { WebSocket: Scripted, sockets };
}

/** Resolves once `condition()` holds; polls, so a feed's timers can run meanwhile. */
function until(condition) {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (condition()) {
        clearInterval(poll);
        resolve();
      }
    }, 1);
  });
}

function feed(options = {}) {
  const { WebSocket, sockets } = scriptedSockets();
  const seen = { states: [], figures: [] };
  let attempts = 0;
  const status = new StatusFeed({
    WebSocket,
    backoff: [5],
    url: () => `ws://127.0.0.1:1/ws/status?attempt=${++attempts}`,
    onStatus: (frame) => seen.figures.push(frame.connections),
    onState: (state) => seen.states.push(state),
    ...options,
  });
  return { status, sockets, seen };
}

const figures = (connections) => ({ type: 'status', connections, rooms: 1, timestamp: Date.now(), instances: [] });

test('live on the first status frame; every status frame reaches the panel, heartbeats do not', async (t) => {
  const { status, sockets, seen } = feed();
  t.after(() => status.stop());
  status.start();
  await until(() => sockets.length === 1);
  assert.deepEqual(seen.states, ['connecting']);
  sockets[0].frame(figures(3));
  sockets[0].frame({ type: 'heartbeat', timestamp: Date.now() });
  sockets[0].frame(figures(4));
  assert.deepEqual(seen.states, ['connecting', 'live']);
  assert.deepEqual(seen.figures, [3, 4]);
});

test('a closed socket is replaced after the backoff, with a URL asked for afresh', async (t) => {
  const { status, sockets, seen } = feed();
  t.after(() => status.stop());
  status.start();
  await until(() => sockets.length === 1);
  sockets[0].frame(figures(3));
  sockets[0].drop();
  assert.equal(seen.states.at(-1), 'reconnecting');
  await until(() => sockets.length === 2);
  assert.match(sockets[1].url, /attempt=2$/);
  sockets[1].frame(figures(5));
  assert.deepEqual(seen.states, ['connecting', 'live', 'reconnecting', 'live']);
});

test('silence past 2.5 heartbeat intervals: the socket is given up on and replaced', async (t) => {
  const { status, sockets, seen } = feed();
  t.after(() => status.stop());
  status.setHeartbeatInterval(0.1); // dead after 250 ms without a frame
  status.start();
  await until(() => sockets.length === 1);
  sockets[0].frame(figures(3));
  await until(() => sockets.length === 2);
  assert.equal(sockets[0].closed, true);
  assert.deepEqual(seen.states, ['connecting', 'live', 'reconnecting']);
});

test('retryNow skips the backoff wait; stop ends the loop for good', async (t) => {
  const { status, sockets } = feed({ backoff: [60000] });
  t.after(() => status.stop());
  status.start();
  await until(() => sockets.length === 1);
  assert.equal(status.retryNow(), false, 'no wait to skip');
  sockets[0].drop();
  assert.equal(status.retryNow(), true);
  await until(() => sockets.length === 2);
  status.stop();
  sockets[1].drop();
  assert.equal(status.retryNow(), false, 'stopped: nothing to retry');
});
