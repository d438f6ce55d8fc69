// Unit tests of webapp/gaps.js, what the demo page does about a gap after a rejoin (no browser,
// no server):  node --test src/test/e2e/gaps.test.mjs   (DemoPageIT runs them before the browser test)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterJoin, gapRequest, messagesInGap, HISTORY_LIMIT } from '../../../webapp/gaps.js';

/** A `joined` event of roomcast.js. */
const joined = (fields) => ({ room: 7, members: 1, epoch: 'e1', offset: 0, recovered: false, missed: 0, reason: null, rejoin: false, since: null, ...fields });
const message = (offset, epoch = 'e1') => ({ type: 'message', room: 7, id: `m${offset}`, from: 'bob', text: `t${offset}`, epoch, offset });

test('a first join is just a join, whatever the stream holds', () => {
  assert.deepEqual(afterJoin(joined({ offset: 12 })), { kind: 'joined' });
});

test('a rejoin that recovered reports how many messages follow', () => {
  const since = { epoch: 'e1', offset: 9 };
  assert.deepEqual(afterJoin(joined({ rejoin: true, recovered: true, missed: 3, offset: 12, since })), { kind: 'recovered', missed: 3 });
});

test('too_old: the gap is after what the page saw, up to the rejoin point, offered on request', () => {
  const outcome = afterJoin(joined({ rejoin: true, offset: 28, reason: 'too_old', since: { epoch: 'e1', offset: 20 } }));
  assert.deepEqual(outcome, {
    kind: 'gap', reason: 'too_old', automatic: false,
    request: { room: 7, since: { epoch: 'e1', offset: 20 }, limit: 8, partial: false },
  });
});

test('a long gap asks for its last HISTORY_LIMIT messages only, and says so', () => {
  const request = gapRequest(joined({ offset: 500, since: { epoch: 'e1', offset: 10 } }));
  assert.deepEqual(request, { room: 7, since: { epoch: 'e1', offset: 500 - HISTORY_LIMIT }, limit: HISTORY_LIMIT, partial: true });
});

test('epoch_changed: the new stream from its start, fetched without asking (nothing else can fill it)', () => {
  const outcome = afterJoin(joined({ rejoin: true, epoch: 'e2', offset: 3, reason: 'epoch_changed', since: { epoch: 'e1', offset: 40 } }));
  assert.deepEqual(outcome, {
    kind: 'gap', reason: 'epoch_changed', automatic: true,
    request: { room: 7, since: { epoch: 'e2', offset: 0 }, limit: 3, partial: false },
  });
});

test('epoch_changed with an empty new stream: nothing to fetch', () => {
  const outcome = afterJoin(joined({ rejoin: true, epoch: 'e2', offset: 0, reason: 'epoch_changed', since: { epoch: 'e1', offset: 40 } }));
  assert.deepEqual(outcome, { kind: 'gap', reason: 'epoch_changed', request: null, automatic: false });
});

test('streams off: a rejoin says messages may be missing (disabled), with nothing to load', () => {
  const outcome = afterJoin(joined({ rejoin: true, epoch: null, offset: null }));
  assert.deepEqual(outcome, { kind: 'gap', reason: 'disabled', request: null, automatic: false });
});

test('a history answer is cut to the gap: nothing at or before since, nothing past the rejoin point, in offset order', () => {
  const request = { room: 7, since: { epoch: 'e2', offset: 0 }, limit: 3, partial: false };
  const answer = { type: 'history', room: 7, epoch: 'e2', offset: 4, complete: false, messages: [message(3, 'e2'), message(1, 'e2'), message(2, 'e2'), message(4, 'e2')] };
  assert.deepEqual(messagesInGap(answer, request).map((m) => m.offset), [1, 2, 3]);
});

test('an answer from yet another epoch (a second restart meanwhile) fills nothing', () => {
  const request = { room: 7, since: { epoch: 'e2', offset: 0 }, limit: 3, partial: false };
  const answer = { type: 'history', room: 7, epoch: 'e3', offset: 2, complete: false, messages: [message(1, 'e3'), message(2, 'e3')] };
  assert.deepEqual(messagesInGap(answer, request), []);
});
