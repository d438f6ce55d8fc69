/*
 * Roomcast demo chat: where the page is in each room's stream (PROTOCOL 9).
 *
 * No DOM here, only bookkeeping, so app.js stays about the page:
 *   - the last (epoch, offset) seen per room, sent back as `since` when rejoining;
 *   - what a `joined` reply means (recovered N messages, or a gap that history may fill);
 *   - whether a message was shown already (each message once, by offset within an epoch);
 *   - the `history` request that asks for the messages just before the rejoin point.
 * Loaded by index.html before app.js; also a CommonJS module, for Node.
 */
'use strict';

(function streamsModule(root) {
  /** A page never needs more than the last few hundred offsets to recognise a repeat
   *  (the log keeps 500 entries, a history answer at most 1000 messages). */
  const REMEMBERED_OFFSETS = 2000;
  /** How many of the messages just before a gap the history button asks for. */
  const HISTORY_LIMIT = 50;

  class StreamPositions {
    constructor() {
      /** room id -> { epoch, offset, seen: Set<number> } (offset: the latest one the page has seen) */
      this.rooms = new Map();
      /** room id -> the `since` sent with the last join (consumed by its `joined` reply) */
      this.asked = new Map();
    }

    /** What to send as `since` when (re)joining, or null (first join, or the server keeps no stream). */
    sinceFor(room) {
      const at = this.rooms.get(room);
      const since = at && at.epoch ? { epoch: at.epoch, offset: at.offset } : null;
      if (since) this.asked.set(room, since); else this.asked.delete(room);
      return since;
    }

    /**
     * Reads a `joined` reply. Returns one of
     *   { kind: 'fresh' }                          a first join, nothing to say
     *   { kind: 'recovered', missed }              the missed messages follow this reply
     *   { kind: 'unrecovered', reason, gap }       gap: the history request that fills it, or null
     * `rejoin` says the page was in the room before the connection dropped: even without a
     * `since` to send (the server keeps no stream) the user must hear that messages may be missing.
     */
    joined(frame, rejoin) {
      const since = this.asked.get(frame.room) || null;
      this.asked.delete(frame.room);
      if (frame.epoch == null) {
        // Streams are off on this server: no positions, nothing to recover.
        this.rooms.delete(frame.room);
        return rejoin ? { kind: 'unrecovered', reason: 'disabled', gap: null } : { kind: 'fresh' };
      }
      if (since && frame.recovered === true) {
        // The replayed messages advance the position as they arrive, like live ones.
        return { kind: 'recovered', missed: frame.missed };
      }
      // Live messages now follow from frame.offset + 1: what lies between is a gap.
      this.moveTo(frame.room, frame.epoch, frame.offset);
      if (!since && !rejoin) return { kind: 'fresh' };
      const reason = since ? (frame.reason || 'unknown_position') : 'unknown_position';
      return { kind: 'unrecovered', reason, gap: gapBefore(frame, since) };
    }

    /** True when the message is new to the page (show it), false when it was shown already. */
    accept(message) {
      if (message.epoch == null || !Number.isInteger(message.offset)) return true;  // streams off
      let at = this.rooms.get(message.room);
      if (!at || at.epoch !== message.epoch) at = this.moveTo(message.room, message.epoch, 0);
      if (at.seen.has(message.offset)) return false;
      at.seen.add(message.offset);
      if (at.seen.size > REMEMBERED_OFFSETS) at.seen.delete(Math.min(...at.seen));
      if (message.offset > at.offset) at.offset = message.offset;
      return true;
    }

    /** The room was left: its position means nothing any more. */
    forget(room) {
      this.rooms.delete(room);
      this.asked.delete(room);
    }

    moveTo(room, epoch, offset) {
      let at = this.rooms.get(room);
      if (!at || at.epoch !== epoch) {
        at = { epoch, offset, seen: new Set() };  // another epoch: its offsets are new numbers
        this.rooms.set(room, at);
      }
      at.offset = Math.max(at.offset, offset);
      return at;
    }
  }

  /**
   * The history request for the messages just before the rejoin point: after what the page saw
   * (same epoch), else from the start of the new epoch; at most HISTORY_LIMIT of them.
   * null when the stream has nothing before the rejoin point to offer.
   */
  function gapBefore(frame, since) {
    const upTo = frame.offset;
    const lower = since && since.epoch === frame.epoch ? since.offset : 0;
    const after = Math.max(lower, upTo - HISTORY_LIMIT);
    if (upTo - after <= 0) return null;
    return { room: frame.room, since: { epoch: frame.epoch, offset: after }, limit: upTo - after, missed: since && since.epoch === frame.epoch ? upTo - lower : null };
  }

  const api = Object.freeze({ StreamPositions, HISTORY_LIMIT });
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.RoomcastStreams = api;
})(typeof globalThis === 'object' ? globalThis : this);
