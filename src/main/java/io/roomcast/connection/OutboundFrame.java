package io.roomcast.connection;

import java.nio.ByteBuffer;

/** A frame waiting in a connection's outbound queue. Immutable, so one instance serves every member. */
public sealed interface OutboundFrame {

    record Text(String text) implements OutboundFrame {
    }

    /** Each send takes its own view of the shared bytes, so members never disturb each other's position. */
    record Binary(ByteBuffer bytes) implements OutboundFrame {
        public Binary {
            bytes = bytes.asReadOnlyBuffer();
        }

        public ByteBuffer view() {
            return bytes.duplicate();
        }
    }

    record Ping() implements OutboundFrame {
    }

    OutboundFrame PING = new Ping();
}
