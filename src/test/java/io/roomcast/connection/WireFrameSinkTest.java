package io.roomcast.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.platform.FrameWriter;
import io.roomcast.platform.WireFrame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class WireFrameSinkTest {

    /** Records the frames each write carries and completes at once. */
    static final class RecordingWriter implements FrameWriter {
        final List<List<WireFrame>> writes = new ArrayList<>();

        @Override
        public void write(WireFrame frame, Consumer<Throwable> done) {
            writes.add(List.of(frame));
            done.accept(null);
        }

        @Override
        public void write(List<WireFrame> frames, Consumer<Throwable> done) {
            writes.add(List.copyOf(frames));
            done.accept(null);
        }

        @Override
        public int maxBatchFrames() {
            return 8;
        }

        @Override
        public long maxBatchBytes() {
            return 1024;
        }
    }

    private final RecordingWriter writer = new RecordingWriter();
    private final WireFrameSink sink = new WireFrameSink(writer);

    @Test
    void oneFrameIsEncodedOnceForEveryMemberItIsSentTo() {
        OutboundFrame.Text message = new OutboundFrame.Text("Room 7: héllo");
        List<Throwable> done = new ArrayList<>();
        sink.send(message, done::add);
        sink.send(message, done::add);
        sink.send(List.of(new OutboundFrame.Text("other"), message), done::add);

        assertThat(writer.writes).hasSize(3);
        assertThat(writer.writes.get(0).get(0)).isSameAs(writer.writes.get(1).get(0)).isSameAs(writer.writes.get(2).get(1));
        assertThat(writer.writes.get(0).get(0).isText()).isTrue();
        assertThat(done).containsExactly(null, null, null);
    }

    @Test
    void binaryFramesTakeTheSamePath() {
        OutboundFrame.Binary binary = new OutboundFrame.Binary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        sink.send(binary, e -> { });

        assertThat(writer.writes).singleElement().satisfies(w -> assertThat(w.get(0).isText()).isFalse());
        assertThat(writer.writes.get(0).get(0).payloadLength()).isEqualTo(3);
        assertThat(sink.batchable(binary)).isTrue();
        assertThat(sink.maxBatchFrames()).isEqualTo(8);
        assertThat(sink.maxBatchBytes()).isEqualTo(1024);
    }

    @Test
    void theHeartbeatPingIsOneConstantFrameForEverySession() {
        WireFrameSink other = new WireFrameSink(writer);
        sink.send(OutboundFrame.PING, e -> { });
        other.send(OutboundFrame.PING, e -> { });
        sink.send(List.of(new OutboundFrame.Text("hi"), OutboundFrame.PING), e -> { });

        assertThat(writer.writes).hasSize(3);
        assertThat(writer.writes.get(0).get(0)).isSameAs(WireFrame.PING).isSameAs(writer.writes.get(1).get(0))
                .isSameAs(writer.writes.get(2).get(1));
        assertThat(sink.batchable(OutboundFrame.PING)).isTrue();
        ByteBuffer bytes = WireFrame.PING.frame();
        assertThat(new byte[] {bytes.get(), bytes.get()}).containsExactly(0x89, 0x00);
        assertThat(bytes.hasRemaining()).isFalse();
        assertThat(WireFrame.PING.payload().remaining()).isZero();
    }
}
