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
}
