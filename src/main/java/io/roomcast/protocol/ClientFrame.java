package io.roomcast.protocol;

/** A frame a client sends on the JSON endpoints, once decoded and validated (PROTOCOL 3.2). */
public sealed interface ClientFrame {

    /** The client's own correlation id, echoed in error frames; null when absent. */
    String ref();

    record Join(int room, String ref) implements ClientFrame {
    }

    record Leave(int room, String ref) implements ClientFrame {
    }

    record Send(int room, String text, String ref) implements ClientFrame {
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
