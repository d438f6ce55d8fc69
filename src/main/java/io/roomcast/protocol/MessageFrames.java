package io.roomcast.protocol;

import io.roomcast.room.event.RoomEvent;

/** A room message, and its ack, as the JSON endpoints write them (PROTOCOL 3.2 and 9); {@link ChatLines} is the chat endpoint's. */
public final class MessageFrames {

    private MessageFrames() {
    }

    public static ServerFrames.Message of(RoomEvent.Message m) {
        return new ServerFrames.Message(m.room(), m.id(), m.from(), m.text(), m.ref(), m.timestamp(), m.epoch(),
                offset(m));
    }

    public static ServerFrames.Ack ack(String ref, RoomEvent.Message m) {
        return new ServerFrames.Ack(ref, m.room(), m.id(), m.epoch(), offset(m));
    }

    /** An unplaced message (streams off) has no offset on the wire: null, not 0. */
    static Long offset(RoomEvent.Message m) {
        return m.positioned() ? m.offset() : null;
    }
}
