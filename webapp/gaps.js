/*
 * Roomcast demo chat: what the page does about a gap in a room's messages after a rejoin.
 *
 * roomcast.js rejoins every room with `since` and reports the outcome in its `joined` event
 * (PROTOCOL 9.1). When the server could not replay what was missed, the page offers, or fetches
 * by itself, the messages just before the rejoin point from the room's history (9.2). Those lie
 * after what the page saw and up to the reply's `offset`; live messages follow from `offset + 1`,
 * so a history answer cut to that range never repeats a message the page shows.
 *
 * No DOM here: node --test runs it (src/test/e2e/gaps.test.mjs).
 */

/** The most messages one history request asks for; the page shows at most these of a gap. */
export const HISTORY_LIMIT = 50;

/**
 * What a `joined` event of roomcast.js means for the page:
 *   { kind: 'joined' }                           a first join
 *   { kind: 'recovered', missed }                the missed messages follow as ordinary messages
 *   { kind: 'gap', reason, request, automatic }  some messages may be missing; `request` is the
 *                                                history request that fills the gap (null: none
 *                                                can), `automatic` whether to send it unasked
 */
export function afterJoin(joined) {
  if (!joined.rejoin) return { kind: 'joined' };
  if (joined.recovered) return { kind: 'recovered', missed: joined.missed };
  // Without a `since` the server gives no reason: the stream is off, or the page had no position.
  const reason = joined.reason || (joined.epoch === null ? 'disabled' : 'unknown_position');
  const request = gapRequest(joined);
  return { kind: 'gap', reason, request, automatic: request !== null && reason === 'epoch_changed' };
}

/**
 * The history request for the last HISTORY_LIMIT messages of the gap: after `since` in the same
 * epoch, from the start of the stream in a new one, up to the reply's offset. Null when the
 * gap holds nothing the server could give (streams off, or nothing before the rejoin point).
 */
export function gapRequest({ room, epoch, offset, since }) {
  if (epoch === null || offset === null) return null;
  const lower = since && since.epoch === epoch ? since.offset : 0;
  const after = Math.max(lower, offset - HISTORY_LIMIT);
  if (offset <= after) return null;
  return { room, since: { epoch, offset: after }, limit: offset - after, partial: after > lower };
}

/**
 * The messages of a history answer that belong in the gap, in offset order. An answer from
 * another epoch (the server restarted again meanwhile) has none: its offsets are new numbers.
 */
export function messagesInGap(answer, request) {
  const first = request.since.offset + 1;
  const last = request.since.offset + request.limit;
  return answer.messages
    .filter((m) => m.epoch === request.since.epoch && m.offset >= first && m.offset <= last)
    .sort((a, b) => a.offset - b.offset);
}
