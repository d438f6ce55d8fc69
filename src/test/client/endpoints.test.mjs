// The other JSON endpoints: /ws/secure/{clientId} (direct messages) and /ws/realtime as a guest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { client, event, token, uniqueRoom, uniqueUser } from './support.mjs';

test('on /ws/secure/{clientId} the client gets direct messages sent to its id', async (t) => {
  const id = 1 + Math.floor(Math.random() * 2000000000);
  const receiver = client(`/ws/secure/${id}`, { token: token(uniqueUser('carol'), 3600000, { clients: [id] }) });
  const sender = client('/ws/auth', { token: token(uniqueUser('dave')) });
  t.after(() => { receiver.close(); sender.close(); });
  const welcome = await event(receiver, 'welcome');
  assert.equal(welcome.clientId, id);
  await event(sender, 'welcome');
  assert.equal(sender.direct(id, 'psst'), true);
  const direct = await event(receiver, 'direct');
  assert.equal(direct.text, 'psst');
});

test('a guest on /ws/realtime publishes and gets acks without a token', async (t) => {
  const room = uniqueRoom();
  const guest = client('/ws/realtime');
  t.after(() => guest.close());
  const welcome = await event(guest, 'welcome');
  assert.match(welcome.user, /^guest-/);
  assert.equal(welcome.expiresAt, null);
  await guest.join(room);
  const ack = await guest.publish(room, 'hi from a guest');
  assert.equal(ack.offset, 1);
});
