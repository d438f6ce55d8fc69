package io.roomcast.stream;

import io.roomcast.room.event.RoomEvent;

/**
 * What a history answer may still hold (PROTOCOL 13.1): told the answer's position once, then offered
 * its messages one by one, in answer order, until one would pass the bound. The answer's encoding is
 * the caller's; {@link History} only asks.
 */
public interface AnswerBudget {

    /** Takes every message: for callers that bound nothing. */
    AnswerBudget UNBOUNDED = new AnswerBudget() {
        @Override
        public void position(String epoch, long latest) {
        }

        @Override
        public boolean take(RoomEvent.Message message) {
            return true;
        }

        @Override
        public int batch(int wanted) {
            return wanted;
        }
    };

    /** The answer's epoch and latest offset, before any message is offered (what surrounds the messages). */
    void position(String epoch, long latest);

    /**
     * Whether the message still fits; false ends the answer there. The first message offered is always
     * taken, so that a client can page on with {@code since}.
     */
    boolean take(RoomEvent.Message message);

    /** How many messages the next read may bring, at most {@code wanted}: enough to fill what is left, not more. */
    int batch(int wanted);
}
