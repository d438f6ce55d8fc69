package io.roomcast.connection;

import java.util.function.Consumer;

/** Where a connection's frames go: the session's asynchronous remote in production. */
public interface FrameSink {

    /**
     * Starts sending one frame and calls {@code done} exactly once when it is written (with null) or
     * has failed (with the cause). May call {@code done} before returning.
     */
    void send(OutboundFrame frame, Consumer<Throwable> done);
}
