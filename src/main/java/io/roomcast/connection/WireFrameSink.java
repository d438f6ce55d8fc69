package io.roomcast.connection;

import io.roomcast.platform.FrameWriter;
import io.roomcast.platform.WireFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Sends data frames through the server's own writer (platform.SendPath): each frame's bytes are
 * encoded once, on the frame, and the same bytes go to every member; several queued data frames go out
 * as one write. Pings still take the standard remote ({@code control}), which on Tyrus also restarts
 * the session's idle timer.
 */
final class WireFrameSink implements FrameSink {

    private final FrameWriter writer;
    private final FrameSink control;

    WireFrameSink(FrameWriter writer, FrameSink control) {
        this.writer = writer;
        this.control = control;
    }

    @Override
    public void send(OutboundFrame frame, Consumer<Throwable> done) {
        if (frame instanceof OutboundFrame.Data data) {
            writer.write(data.wire(), done);
        } else {
            control.send(frame, done);
        }
    }

    @Override
    public boolean direct() {
        return true;
    }

    @Override
    public int maxBatchFrames() {
        return writer.maxBatchFrames();
    }

    @Override
    public long maxBatchBytes() {
        return writer.maxBatchBytes();
    }

    @Override
    public boolean batchable(OutboundFrame frame) {
        return frame instanceof OutboundFrame.Data;
    }

    @Override
    public void send(List<OutboundFrame> frames, Consumer<Throwable> done) {
        List<WireFrame> wires = new ArrayList<>(frames.size());
        for (OutboundFrame frame : frames) {
            wires.add(((OutboundFrame.Data) frame).wire()); // the queue batches only what batchable() took
        }
        writer.write(wires, done);
    }
}
