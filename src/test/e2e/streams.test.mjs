// Unit tests of webapp/streams.js, the demo page's stream bookkeeping (no browser, no server):
//   node --test src/test/e2e/streams.test.mjs
// DemoPageIT runs them before the browser test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { StreamPositions, HISTORY_LIMIT } = require('../../../webapp/streams.js');

const msg = (room, epoch, offset) => ({ type: 'message', room, epoch, offset, text: `m${offset}` });
const joined = (room, epoch, offset, extra = {}) => ({ type: 'joined', room, members: 1, epoch, offset, recovered: false, missed: 0, ...extra });

test('a first join sends no since and says nothing; the position follows live messages', () => {
  const s = new StreamPositions();
  assert.equal(s.sinceFor(7), null);
  assert.deepEqual(s.joined(joined(7, 'e1', 4), false), { kind: 'fresh' });
  assert.ok(s.accept(msg(7, 'e1', 5)));
  assert.ok(s.accept(msg(7, 'e1', 6)));
  assert.deepEqual(s.sinceFor(7), { epoch: 'e1', offset: 6 });
});

test('a rejoin that recovered reports the missed count and keeps the position until the replay arrives', () => {
  const s = new StreamPositions();
  s.joined(joined(7, 'e1', 6), false);
  s.sinceFor(7);
  assert.deepEqual(s.joined(joined(7, 'e1', 9, { recovered: true, missed: 3 }), true), { kind: 'recovered', missed: 3 });
  assert.deepEqual(s.sinceFor(7), { epoch: 'e1', offset: 6 });
});

test('each message once: a repeated offset within an epoch is refused', () => {
  const s = new StreamPositions();
  s.joined(joined(7, 'e1', 0), false);
  assert.ok(s.accept(msg(7, 'e1', 1)));
  assert.equal(s.accept(msg(7, 'e1', 1)), false);
});

test('the same offset in another epoch is a new message', () => {
  const s = new StreamPositions();
  s.joined(joined(7, 'e1', 0), false);
  assert.ok(s.accept(msg(7, 'e1', 1)));
  s.sinceFor(7);
  s.joined(joined(7, 'e2', 0, { reason: 'epoch_changed' }), true);
  assert.ok(s.accept(msg(7, 'e2', 1)));
});

test('too_old: the gap is the messages just before the rejoin point, after what was seen', () => {
  const s = new StreamPositions();
  s.joined(joined(7, 'e1', 2), false);
  s.sinceFor(7);
  const outcome = s.joined(joined(7, 'e1', 12, { reason: 'too_old' }), true);
  assert.equal(outcome.kind, 'unrecovered');
  assert.equal(outcome.reason, 'too_old');
  assert.deepEqual(outcome.gap, { room: 7, since: { epoch: 'e1', offset: 2 }, limit: 10, missed: 10 });
  assert.deepEqual(s.sinceFor(7), { epoch: 'e1', offset: 12 }, 'live messages follow from the reply');
});

test('a long gap asks for the last HISTORY_LIMIT messages only', () => {
  const s = new StreamPositions();
  s.joined(joined(7, 'e1', 0), false);
  s.sinceFor(7);
  const { gap } = s.joined(joined(7, 'e1', 500, { reason: 'too_old' }), true);
  assert.deepEqual(gap.since, { epoch: 'e1', offset: 500 - HISTORY_LIMIT });
  assert.equal(gap.limit, HISTORY_LIMIT);
});

test('epoch_changed with an empty new stream offers no history', () => {
  const s = new StreamPositions();
  s.joined(joined(7, 'e1', 3), false);
  s.sinceFor(7);
  const outcome = s.joined(joined(7, 'e2', 0, { reason: 'epoch_changed' }), true);
  assert.equal(outcome.reason, 'epoch_changed');
  assert.equal(outcome.gap, null);
});

test('streams off: no since, and a rejoin says messages may be missing (disabled)', () => {
  const s = new StreamPositions();
  s.joined(joined(7, null, null), false);
  assert.equal(s.sinceFor(7), null);
  assert.deepEqual(s.joined(joined(7, null, null), true), { kind: 'unrecovered', reason: 'disabled', gap: null });
  assert.ok(s.accept(msg(7, null, null)));
  assert.ok(s.accept(msg(7, null, null)), 'without offsets nothing can be called a duplicate');
});

test('history filling a gap shows only the offsets not seen yet', () => {
  const s = new StreamPositions();
  s.joined(joined(7, 'e1', 0), false);
  for (const o of [1, 2, 5, 6]) s.accept(msg(7, 'e1', o));
  const shown = [1, 2, 3, 4, 5, 6].filter((o) => s.accept(msg(7, 'e1', o)));
  assert.deepEqual(shown, [3, 4]);
  assert.deepEqual(s.sinceFor(7), { epoch: 'e1', offset: 6 });
});

test('leaving forgets the position: the next join is a first join', () => {
  const s = new StreamPositions();
  s.joined(joined(7, 'e1', 3), false);
  s.forget(7);
  assert.equal(s.sinceFor(7), null);
});
