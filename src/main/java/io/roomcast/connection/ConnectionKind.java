package io.roomcast.connection;

/** What a connection speaks, which decides what it is sent. */
public enum ConnectionKind {
    /** {@code /ws/chat/{roomId}}: plain text frames, no JSON, no presence. */
    CHAT,
    /** {@code /ws/realtime}, {@code /ws/auth}, {@code /ws/secure/{clientId}}: the JSON protocol. */
    JSON,
    /** {@code /ws/status}: status frames and heartbeats only. */
    STATUS;

    public boolean speaksJson() {
        return this != CHAT;
    }
}
