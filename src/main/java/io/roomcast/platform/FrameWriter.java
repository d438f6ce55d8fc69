package io.roomcast.platform;

import java.util.List;
import java.util.function.Consumer;

/**
 * Writes encoded data frames to one session through the server's own API (see {@link SendPath}). Made
 * once per session; the caller keeps at most one write in flight.
 */
public interface FrameWriter {

    /**
     * Starts writing one frame and calls {@code done} exactly once, with null when it is written or with
     * the cause when it failed. May call {@code done} before returning, on the calling thread.
     */
    void write(WireFrame frame, Consumer<Throwable> done);

    /** As {@link #write(WireFrame, Consumer)} for several frames, in order, with one {@code done} for all. */
    void write(List<WireFrame> frames, Consumer<Throwable> done);

    /** How many frames one {@link #write(List, Consumer)} may carry. */
    int maxBatchFrames();

    /** How many payload bytes one {@link #write(List, Consumer)} may carry (a single larger frame is written alone). */
    long maxBatchBytes();
}
