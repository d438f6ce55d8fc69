package io.roomcast.platform;

/**
 * Ends one WebSocket's TCP connection at once, with a reset: what {@code Session.close} cannot do for a
 * peer that has stopped reading, since a close frame waits behind everything the server still holds for
 * that peer, and the server closes the socket only after writing it (or after the peer's answer). Made
 * when the session opens ({@link SocketAborts#forSession}), from the server's own connection object.
 */
public interface SocketAbort {

    /** Where the server's connection could not be reached: the connection ends as the server decides. */
    SocketAbort NONE = new SocketAbort() {
        @Override
        public boolean abort() {
            return false;
        }

        @Override
        public boolean supported() {
            return false;
        }
    };

    /**
     * Resets the TCP connection (linger 0: whatever the server still holds for the peer is dropped) unless
     * it is closed already. Never blocks and never waits for the peer. True when it was still open.
     */
    boolean abort();

    /** False for {@link #NONE}. */
    default boolean supported() {
        return true;
    }
}
