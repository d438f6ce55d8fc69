// Tokens: refreshed through the provider before expiry on the same connection, and no retry loop
// when the server ends a connection for policy (1008) or refuses the handshake (401).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserLikeWebSocket, client, countedWebSocket, event, token, uniqueRoom, uniqueUser } from './support.mjs';

/** Tokens live 4 s (the server runs with no clock skew): each must be refreshed to keep the connection. */
const SHORT_MS = 4000;

test('the token is refreshed through the provider before it expires, on the same connection', async (t) => {
  const user = uniqueUser('alice');
  const room = uniqueRoom();
  const sockets = countedWebSocket();
  let calls = 0;
  const alice = client('/ws/auth', { WebSocket: sockets.WebSocket, tokenProvider: async () => { calls += 1; return token(user, SHORT_MS); } });
  t.after(() => alice.close());
  const welcome = await event(alice, 'welcome');
  await alice.join(room);

  for (let i = 1; i <= 3; i++) {
    await event(alice, 'refreshed', () => alice.events.filter((e) => e.name === 'refreshed').length === i);
  }
  const refreshed = alice.events.filter((e) => e.name === 'refreshed').map((e) => e.value);
  assert.equal(refreshed[2].expiresAt > welcome.expiresAt + SHORT_MS / 2, true);
  // The first token has expired by now, and the first connection is still the only one.
  const ack = await alice.publish(room, 'still here');
  assert.equal(typeof ack.offset, 'number');
  assert.equal(sockets.opened.length, 1);
  assert.equal(alice.events.some((e) => e.name === 'disconnect'), false);
  assert.equal(calls >= 4, true, 'one token per refresh');
});

test('a token that expires without a provider ends in stopped 1008 "token expired", with no reconnect', async () => {
  const sockets = countedWebSocket();
  const alice = client('/ws/auth', { WebSocket: sockets.WebSocket, token: token(uniqueUser('alice'), SHORT_MS) });
  await alice.join(uniqueRoom());

  const stopped = await event(alice, 'stopped');
  assert.equal(stopped.code, 1008);
  assert.equal(stopped.reason, 'token expired');
  assert.equal(alice.state, 'closed');
  assert.equal(sockets.opened.length, 1);
  await assert.rejects(alice.publish(1, 'late'), { code: 'closed' });
});

test('a provider that only gives refused tokens: the refresh fails, expiry closes with 1008, one fresh attempt is refused 401, then it stops', async () => {
  const user = uniqueUser('alice');
  const sockets = countedWebSocket();
  let calls = 0;
  const alice = client('/ws/auth', {
    WebSocket: sockets.WebSocket,
    tokenProvider: async () => (++calls === 1 ? token(user, SHORT_MS) : token(user, -60000)),
  });
  const stopped = await event(alice, 'stopped');
  assert.equal(stopped.status, 401);
  assert.equal(alice.state, 'closed');
  assert.equal(sockets.opened.length, 2, 'the first connection, then one refused handshake');
  const errors = alice.events.filter((e) => e.name === 'error').map((e) => e.value.code);
  assert.equal(errors.includes('refresh_failed'), true);
  const disconnects = alice.events.filter((e) => e.name === 'disconnect').map((e) => e.value);
  assert.equal(disconnects[0].code, 1008);
  assert.equal(disconnects[0].reason, 'token expired');
  assert.equal(disconnects[0].retry, true);
});

test('a handshake refusal a browser cannot see (a bare 1006) is recognised by the HTTP probe, and not retried', async () => {
  const sockets = browserLikeWebSocket();
  const alice = client('/ws/auth', { WebSocket: sockets.WebSocket, token: token(uniqueUser('alice'), -60000) });
  const stopped = await event(alice, 'stopped');
  assert.equal(stopped.status, 401);
  assert.equal(stopped.code, 1006);
  assert.equal(sockets.opened.length, 1);
});
