package io.roomcast.room;

/**
 * How far one paced recovery replay ({@link ReplayPacer}) has come: the last offset sent to its member.
 * Live messages skip the member until the cursor reaches the last offset its room's sequencer delivered;
 * from then on the member is live. Every replay has a cursor of its own: a rejoin starts another one, and
 * the pacer of the first, finding that its cursor is no longer the member's, stops. Read and moved only
 * under the room's sequencer lock.
 */
final class ReplayCursor {

    private long sent;

    /** A replay of what follows {@code since}: nothing sent yet. */
    ReplayCursor(long since) {
        this.sent = since;
    }

    /** The last offset sent to the member (its {@code since} before the first). */
    long sent() {
        return sent;
    }

    /** The member was sent the message at {@code offset}. */
    void sent(long offset) {
        sent = offset;
    }

    /** Whether the replay reached the room's last delivered offset: the member is live from the next message. */
    boolean reached(long delivered) {
        return sent >= delivered;
    }
}
