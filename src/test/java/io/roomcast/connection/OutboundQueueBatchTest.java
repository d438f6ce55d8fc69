package io.roomcast.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** A sink that writes several frames at once is given the waiting frames as one write, within its bounds. */
class OutboundQueueBatchTest {

    /** Holds each write (one frame or a batch) until the test completes it; pings are not batchable. */
    static final class BatchingSink implements FrameSink {
        final List<List<OutboundFrame>> writes = new ArrayList<>();
        final List<Consumer<Throwable>> pending = new ArrayList<>();
        final int maxFrames;
        final long maxBytes;

        BatchingSink(int maxFrames, long maxBytes) {
            this.maxFrames = maxFrames;
            this.maxBytes = maxBytes;
        }

        @Override
        public void send(OutboundFrame frame, Consumer<Throwable> done) {
            writes.add(List.of(frame));
            pending.add(done);
        }

        @Override
        public void send(List<OutboundFrame> frames, Consumer<Throwable> done) {
            assertThat(frames).hasSizeGreaterThan(1);
            writes.add(List.copyOf(frames));
            pending.add(done);
        }

        @Override
        public int maxBatchFrames() {
            return maxFrames;
        }

        @Override
        public long maxBatchBytes() {
            return maxBytes;
        }

        @Override
        public boolean batchable(OutboundFrame frame) {
            return !(frame instanceof OutboundFrame.Ping);
        }

        void completeNext() {
            pending.remove(0).accept(null);
        }
    }

    private static OutboundFrame.Text text(String s) {
        return new OutboundFrame.Text(s);
    }

    @Test
    void framesWaitingBehindAWriteGoOutTogetherInOrderWithinTheSinksBounds() {
        BatchingSink sink = new BatchingSink(3, 100);
        OutboundQueue queue = new OutboundQueue(sink, 100, Long.MAX_VALUE, Runnable::run, overflowNanos -> { }, e -> { });
        queue.offer(text("0"));
        for (int i = 1; i <= 5; i++) {
            queue.offer(text(Integer.toString(i)));
        }
        assertThat(sink.writes).containsExactly(List.of(text("0")));
        assertThat(queue.size()).isEqualTo(5);

        sink.completeNext();
        assertThat(sink.writes.get(1)).containsExactly(text("1"), text("2"), text("3"));
        // Frames being written are not waiting: they no longer count against the bounds.
        assertThat(queue.size()).isEqualTo(2);
        assertThat(queue.queuedBytes()).isEqualTo(2);

        sink.completeNext();
        assertThat(sink.writes.get(2)).containsExactly(text("4"), text("5"));
        sink.completeNext();
        assertThat(sink.writes).hasSize(3);
        assertThat(queue.size()).isZero();
        assertThat(queue.queuedBytes()).isZero();
    }

    @Test
    void aBatchStopsBeforeTheFrameThatWouldPassItsByteBoundAndALargeFrameGoesAlone() {
        BatchingSink sink = new BatchingSink(10, 10);
        OutboundQueue queue = new OutboundQueue(sink, 100, Long.MAX_VALUE, Runnable::run, overflowNanos -> { }, e -> { });
        queue.offer(text("first"));
        queue.offer(text("1234"));
        queue.offer(text("123456"));
        queue.offer(text("x"));
        queue.offer(text("y".repeat(50)));
        queue.offer(text("z"));

        sink.completeNext();
        assertThat(sink.writes.get(1)).containsExactly(text("1234"), text("123456"));
        sink.completeNext();
        assertThat(sink.writes.get(2)).containsExactly(text("x"));
        sink.completeNext();
        assertThat(sink.writes.get(3)).containsExactly(text("y".repeat(50)));
        sink.completeNext();
        assertThat(sink.writes.get(4)).containsExactly(text("z"));
    }

    @Test
    void aFrameTheSinkCannotBatchIsWrittenAloneBetweenBatches() {
        BatchingSink sink = new BatchingSink(10, 100);
        OutboundQueue queue = new OutboundQueue(sink, 100, Long.MAX_VALUE, Runnable::run, overflowNanos -> { }, e -> { });
        queue.offer(text("first"));
        queue.offer(text("a"));
        queue.offer(text("b"));
        queue.offer(OutboundFrame.PING);
        queue.offer(OutboundFrame.PING);
        queue.offer(text("c"));

        sink.completeNext();
        sink.completeNext();
        sink.completeNext();
        sink.completeNext();
        assertThat(sink.writes).containsExactly(List.of(text("first")), List.of(text("a"), text("b")),
                List.of(OutboundFrame.PING), List.of(OutboundFrame.PING), List.of(text("c")));
    }

    @Test
    void aFailedBatchIsReportedOnceAndTheRestDropped() {
        BatchingSink sink = new BatchingSink(10, 100);
        List<Throwable> failures = new ArrayList<>();
        AtomicInteger overflows = new AtomicInteger();
        OutboundQueue queue = new OutboundQueue(sink, 100, Long.MAX_VALUE, Runnable::run,
                overflowNanos -> overflows.incrementAndGet(), failures::add);
        queue.offer(text("first"));
        queue.offer(text("a"));
        queue.offer(text("b"));
        sink.completeNext();
        queue.offer(text("c"));
        sink.pending.remove(0).accept(new java.io.IOException("broken pipe"));
        assertThat(failures).hasSize(1);
        assertThat(queue.size()).isZero();
        assertThat(sink.writes).hasSize(2);
    }

    @Test
    void aSinkThatWritesOneFrameAtATimeIsNeverGivenABatch() {
        OutboundQueueTest.HeldSink sink = new OutboundQueueTest.HeldSink();
        OutboundQueue queue = new OutboundQueue(sink, 100, Long.MAX_VALUE, Runnable::run, overflowNanos -> { }, e -> { });
        queue.offer(text("1"));
        queue.offer(text("2"));
        queue.offer(text("3"));
        sink.completeNext();
        assertThat(sink.started).containsExactly(text("1"), text("2"));
    }
}
