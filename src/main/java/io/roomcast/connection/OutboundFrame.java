package io.roomcast.connection;

import io.roomcast.platform.WireFrame;
import java.nio.ByteBuffer;

/** A frame waiting in a connection's outbound queue. Immutable, so one instance serves every member. */
public sealed interface OutboundFrame {

    /** The payload size the queue counts against {@code roomcast.limits.send-queue-bytes}. */
    long payloadBytes();

    /**
     * A data frame (text or binary). On the server's own send path its encoding is made once, on the
     * first send that needs it, and shared by every member's write ({@link #wire()}).
     */
    abstract sealed class Data implements OutboundFrame permits Text, Binary {
        /** Made on the first send that needs it; a race makes it twice, identically. */
        private volatile WireFrame wire;

        /** The frame's bytes on the wire, encoded once and shared by every member's send. */
        public final WireFrame wire() {
            WireFrame encoded = wire;
            if (encoded == null) {
                encoded = encode();
                wire = encoded;
            }
            return encoded;
        }

        abstract WireFrame encode();
    }

    /**
     * A text frame. Its UTF-8 size is counted once, when the frame is made, not once per member it is
     * queued for.
     */
    final class Text extends Data {
        private final String text;
        private final long payloadBytes;

        public Text(String text) {
            this.text = text;
            this.payloadBytes = FrameSize.utf8Length(text);
        }

        public String text() {
            return text;
        }

        @Override
        public long payloadBytes() {
            return payloadBytes;
        }

        @Override
        WireFrame encode() {
            return WireFrame.text(text);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Text that && text.equals(that.text);
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }

        @Override
        public String toString() {
            return "Text[" + text + "]";
        }
    }

    /** Each send takes its own view of the shared bytes, so members never disturb each other's position. */
    final class Binary extends Data {
        private final ByteBuffer bytes;

        public Binary(ByteBuffer bytes) {
            this.bytes = bytes.asReadOnlyBuffer();
        }

        public ByteBuffer view() {
            return bytes.duplicate();
        }

        @Override
        public long payloadBytes() {
            return bytes.remaining();
        }

        @Override
        WireFrame encode() {
            return WireFrame.binary(bytes);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Binary that && bytes.equals(that.bytes);
        }

        @Override
        public int hashCode() {
            return bytes.hashCode();
        }

        @Override
        public String toString() {
            return "Binary[" + bytes.remaining() + " bytes]";
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
