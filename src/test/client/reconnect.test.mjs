// Reconnects: a dead connection found from missed heartbeats, recovery of what was missed exactly
// once, a publish whose ack was lost resent exactly once, and a server restart (a new epoch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { client, event, messages, next, proxy, restartServer, token, uniqueRoom, uniqueUser } from './support.mjs';

test('a connection that stops hearing heartbeats is dropped, rejoined with since, and what was missed arrives once with recovered:true', async (t) => {
  const room = uniqueRoom();
  const network = await proxy();
  const alice = client('/ws/auth', { token: token(uniqueUser('alice')), port: network.port });
  const bob = client('/ws/auth', { token: token(uniqueUser('bob')) });
  t.after(async () => { alice.close(); bob.close(); await network.close(); });
  await alice.join(room);
  await bob.join(room);
  const first = await bob.publish(room, 'm1');
  await event(alice, 'message', (m) => m.id === first.id);

  network.freeze(); // alice's link goes silent both ways; the socket still looks open
  for (const text of ['m2', 'm3', 'm4']) await bob.publish(room, text);
  const dropped = await event(alice, 'disconnect');
  assert.equal(dropped.reason, 'heartbeat missed');
  assert.equal(dropped.retry, true);

  const rejoined = await event(alice, 'joined', (j) => j.rejoin);
  assert.equal(rejoined.recovered, true);
  assert.equal(rejoined.missed, 3);
  assert.equal(rejoined.reason, null);
  const fence = await bob.publish(room, 'fence');
  await event(alice, 'message', (m) => m.id === fence.id);
  assert.deepEqual(messages(alice, room).map((m) => m.text), ['m1', 'm2', 'm3', 'm4', 'fence']);
});

test('a publish whose ack was lost is resent with the same ref after the reconnect and lands exactly once', async (t) => {
  const room = uniqueRoom();
  const network = await proxy();
  const alice = client('/ws/auth', { token: token(uniqueUser('alice')), port: network.port });
  const bob = client('/ws/auth', { token: token(uniqueUser('bob')) });
  t.after(async () => { alice.close(); bob.close(); await network.close(); });
  await alice.join(room);
  await bob.join(room);

  network.freeze({ toServer: true }); // the publish reaches the server; nothing comes back
  const published = alice.publish(room, 'exactly once');
  const atBob = await event(bob, 'message', (m) => m.text === 'exactly once');
  network.cut(); // the connection dies with the ack on its way

  const ack = await published;
  assert.equal(ack.id, atBob.id, 'the resend got the first publish\'s ack');
  assert.equal(ack.offset, atBob.offset);
  assert.equal(alice.events.filter((e) => e.name === 'disconnect').length >= 1, true);
  const fence = await bob.publish(room, 'fence');
  await event(alice, 'message', (m) => m.id === fence.id);
  assert.deepEqual(messages(bob, room).map((m) => m.text), ['exactly once', 'fence']);
  assert.deepEqual(messages(alice, room).map((m) => m.text), ['exactly once', 'fence']);
  const history = await bob.history(room);
  assert.deepEqual(history.messages.map((m) => m.text), ['exactly once', 'fence']);
});

test('after a server restart the client reconnects by itself, rejoins, and reports the lost continuity', async (t) => {
  const room = uniqueRoom();
  const alice = client('/ws/auth', { token: token(uniqueUser('alice')) });
  t.after(() => alice.close());
  await alice.join(room);
  const before = await alice.publish(room, 'before');

  const reconnecting = next(alice, 'state', (s) => s.state === 'reconnecting');
  await restartServer();
  await reconnecting;
  const rejoined = await event(alice, 'joined', (j) => j.rejoin);
  assert.equal(rejoined.recovered, false);
  assert.equal(rejoined.reason, 'epoch_changed');
  assert.notEqual(rejoined.epoch, before.epoch);
  assert.equal(alice.state, 'open');

  const after = await alice.publish(room, 'after');
  assert.equal(after.epoch, rejoined.epoch);
  assert.equal(after.offset, rejoined.offset + 1);
  const disconnects = alice.events.filter((e) => e.name === 'disconnect').map((e) => e.value);
  assert.equal(disconnects.every((d) => d.retry), true);
  assert.equal(alice.events.some((e) => e.name === 'stopped'), false);
});
