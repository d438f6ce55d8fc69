package io.roomcast.connection;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where a connection's frames go: the server's own writer ({@link WireFrameSink}) or the session's
 * asynchronous remote ({@link SessionFrameSink}); see {@link FrameSinks}.
 */
public interface FrameSink {

    /**
     * Starts sending one frame and calls {@code done} exactly once when it is written (with null) or
     * has failed (with the cause). May call {@code done} before returning.
     */
    void send(OutboundFrame frame, Consumer<Throwable> done);

    /** Whether frames go through the server's own writer (encoded once, batched) rather than the standard remote. */
    default boolean direct() {
        return false;
    }

    /**
     * How many frames one {@link #send(List, Consumer)} may carry: 1 (the default) when this sink writes
     * one frame at a time.
     */
    default int maxBatchFrames() {
        return 1;
    }

    /** How many payload bytes one {@link #send(List, Consumer)} may carry (a larger frame goes alone). */
    default long maxBatchBytes() {
        return 0;
    }

    /** Whether the frame may be written together with others. */
    default boolean batchable(OutboundFrame frame) {
        return false;
    }

    /**
     * Starts sending several batchable frames, in order, as one write, and calls {@code done} exactly
     * once for all of them, as {@link #send(OutboundFrame, Consumer)} does.
     */
    default void send(List<OutboundFrame> frames, Consumer<Throwable> done) {
        throw new UnsupportedOperationException("this sink writes one frame at a time");
    }
}
