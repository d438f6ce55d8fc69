package io.roomcast.protocol;

/** A frame a client sends on the JSON endpoints, once decoded and validated (PROTOCOL 3.2). */
public sealed interface ClientFrame {

    /** The client's own correlation id, echoed in error frames; null when absent. */
    String ref();

    /** {@code since} is null for a plain join, else the position to recover from (PROTOCOL 9.1). */
    record Join(int room, Since since, String ref) implements ClientFrame {
    }

    /** A page of a room's stream (PROTOCOL 9.2); {@code since} null for the newest messages. */
    record History(int room, Since since, int limit, String ref) implements ClientFrame {
    }

    /** A stream position as a client sends it: an epoch of 1-32 characters and an offset in 0..2^53-1. */
    record Since(String epoch, long offset) {
    }

    record Leave(int room, String ref) implements ClientFrame {
    }

    /** {@code traceparent}: the publisher's W3C trace context (PROTOCOL 9.4), null for none. */
    record Send(int room, String text, String ref, String traceparent) implements ClientFrame {

        public Send(int room, String text, String ref) {
            this(room, text, ref, null);
        }
    }

    record Direct(int to, String text, String ref) implements ClientFrame {
    }

    record Ping(String ref) implements ClientFrame {
    }

    /** A new token for the connection (PROTOCOL 10). */
    record Refresh(String token, String ref) implements ClientFrame {
        /** Tokens never appear in logs, nor in anything that might be logged. */
        @Override
        public String toString() {
            return "Refresh[token=<redacted>, ref=" + ref + "]";
        }
    }
}
