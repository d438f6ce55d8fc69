package io.roomcast.room;

import io.roomcast.connection.Connection;
import io.roomcast.protocol.FrameEncoder;
import io.roomcast.protocol.MessageFrames;
import io.roomcast.room.event.RoomEvent;

/**
 * The {@code ack} a publisher asked for with its {@code ref} (PROTOCOL 9.3): sent once its message is in
 * the stream and, when it was delivered here, right after the publisher's own copy.
 */
final class Acks {

    private final FrameEncoder encoder;

    Acks(FrameEncoder encoder) {
        this.encoder = encoder;
    }

    /** The ack of a message that went out, under its own ref; nothing without a connection or a ref. */
    void send(Connection ackTo, RoomEvent.Message message) {
        send(ackTo, message.ref(), message);
    }

    /**
     * The first publish's ack for a repeated idempotency key, under the ref the repeat was sent with: the
     * first publish may have had none (an HTTP publish with the same key). Its message is not delivered again.
     */
    void send(Connection ackTo, String ref, RoomEvent.Message message) {
        if (ackTo != null && ref != null) {
            ackTo.sendText(encoder.encode(MessageFrames.ack(ref, message)));
        }
    }
}
