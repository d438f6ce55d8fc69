package io.roomcast.connection;

import io.roomcast.platform.FrameWriter;
import io.roomcast.platform.WireFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Sends frames through the server's own writer (platform.SendPath): each data frame's bytes are
 * encoded once, on the frame, and the same bytes go to every member; the heartbeat's ping is one
 * constant frame ({@link WireFrame#PING}); several queued frames go out as one write.
 */
final class WireFrameSink implements FrameSink {

    private final FrameWriter writer;

    WireFrameSink(FrameWriter writer) {
        this.writer = writer;
    }

    private static WireFrame wire(OutboundFrame frame) {
        return frame instanceof OutboundFrame.Data data ? data.wire() : WireFrame.PING; // the only other frame
    }

    @Override
    public void send(OutboundFrame frame, Consumer<Throwable> done) {
        writer.write(wire(frame), done);
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
        return true;
    }

    @Override
    public void send(List<OutboundFrame> frames, Consumer<Throwable> done) {
        List<WireFrame> wires = new ArrayList<>(frames.size());
        for (OutboundFrame frame : frames) {
            wires.add(wire(frame));
        }
        writer.write(wires, done);
    }
}
