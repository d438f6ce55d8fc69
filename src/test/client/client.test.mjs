// The everyday API against a real Roomcast: the module is served, joins, publishes with acks,
// presence, history correlated by ref, leave.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, client, event, messages, next, token, uniqueRoom, uniqueUser } from './support.mjs';

test('roomcast.js and roomcast.d.ts are served with a JavaScript type and the security headers', async () => {
  const js = await fetch(new URL('roomcast.js', BASE));
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type'), /^(text|application)\/javascript/);
  assert.match(js.headers.get('content-security-policy'), /script-src 'self'/);
  assert.equal(js.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(js.headers.get('x-frame-options'), 'SAMEORIGIN');
  assert.match(await js.text(), /export function connect\(/);
  const types = await fetch(new URL('roomcast.d.ts', BASE));
  assert.equal(types.status, 200);
  assert.match(await types.text(), /export declare function connect\(/);
});

test('publish resolves with the ack after the sender\'s own copy; the others get presence and the message', async (t) => {
  const room = uniqueRoom();
  const alice = client('/ws/auth', { token: token(uniqueUser('alice')) });
  const bob = client('/ws/auth', { token: token(uniqueUser('bob')) });
  t.after(() => { alice.close(); bob.close(); });

  const joined = await alice.join(room);
  assert.equal(joined.recovered, false);
  assert.equal(joined.rejoin, false);
  const presence = next(alice, 'presence', (p) => p.room === room && p.event === 'join');
  await bob.join(room);
  assert.equal((await presence).members, 2);

  const ack = await alice.publish(room, 'hello');
  const own = messages(alice, room);
  assert.equal(own.length, 1, 'the sender\'s copy came before the ack');
  assert.equal(own[0].text, 'hello');
  assert.equal(ack.id, own[0].id);
  assert.equal(ack.offset, joined.offset + 1);
  assert.equal(ack.ref.length <= 64, true);
  const seen = await event(bob, 'message', (m) => m.id === ack.id);
  assert.equal(seen.text, 'hello');
  assert.deepEqual(alice.position(room), { epoch: ack.epoch, offset: ack.offset });
});

test('history answers are matched to their requests by ref', async (t) => {
  const room = uniqueRoom();
  const alice = client('/ws/auth', { token: token(uniqueUser('alice')) });
  t.after(() => alice.close());
  const joined = await alice.join(room);
  const acks = [];
  for (const text of ['one', 'two', 'three']) acks.push(await alice.publish(room, text));

  const [page, newest] = await Promise.all([
    alice.history(room, { since: { epoch: acks[0].epoch, offset: joined.offset }, limit: 2 }),
    alice.history(room, { limit: 1 }),
  ]);
  assert.deepEqual(page.messages.map((m) => m.text), ['one', 'two']);
  assert.equal(page.complete, false);
  assert.deepEqual(newest.messages.map((m) => m.text), ['three']);
  assert.equal(newest.offset, acks[2].offset);
});

test('a refused publish rejects with the server\'s error code; leave stops the room', async (t) => {
  const room = uniqueRoom();
  const alice = client('/ws/auth', { token: token(uniqueUser('alice')) });
  t.after(() => alice.close());
  await assert.rejects(alice.publish(room, 'not a member'), { code: 'not_member' });
  await alice.join(room);
  const left = await alice.leave(room);
  assert.equal(left.room, room);
  assert.equal(alice.position(room), null);
  await assert.rejects(alice.publish(room, 'x'.repeat(70000)), { code: 'too_big' });
});
