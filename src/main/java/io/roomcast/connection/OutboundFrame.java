package io.roomcast.connection;

import java.nio.ByteBuffer;

/** A frame waiting in a connection's outbound queue. Immutable, so one instance serves every member. */
public sealed interface OutboundFrame {

    /** The payload size the queue counts against {@code roomcast.limits.send-queue-bytes}. */
    long payloadBytes();

    /**
     * A text frame. Its UTF-8 size is counted once, when the frame is made, not once per member it is
     * queued for.
     */
    record Text(String text, long payloadBytes) implements OutboundFrame {
        public Text(String text) {
            this(text, FrameSize.utf8Length(text));
        }
    }

    /** Each send takes its own view of the shared bytes, so members never disturb each other's position. */
    record Binary(ByteBuffer bytes) implements OutboundFrame {
        public Binary {
            bytes = bytes.asReadOnlyBuffer();
        }

        public ByteBuffer view() {
            return bytes.duplicate();
        }

        @Override
        public long payloadBytes() {
            return bytes.remaining();
        }
    }

    record Ping() implements OutboundFrame {
        @Override
        public long payloadBytes() {
            return 0;
        }
    }

    OutboundFrame PING = new Ping();
}
