package io.roomcast.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {

    /** A sink that holds each send until the test completes it, like a socket that is not writable yet. */
    static final class HeldSink implements FrameSink {
        final List<OutboundFrame> started = new ArrayList<>();
        final List<Consumer<Throwable>> pending = new ArrayList<>();

        @Override
        public void send(OutboundFrame frame, Consumer<Throwable> done) {
            started.add(frame);
            pending.add(done);
        }

        void completeNext() {
            pending.remove(0).accept(null);
        }
    }

    private static OutboundFrame.Text text(String s) {
        return new OutboundFrame.Text(s);
    }

    @Test
    void framesAreSentInOrderWithOneInFlight() {
        HeldSink sink = new HeldSink();
        OutboundQueue queue = new OutboundQueue(sink, 10, Long.MAX_VALUE, Runnable::run, () -> { }, e -> { });
        queue.offer(text("1"));
        queue.offer(text("2"));
        queue.offer(text("3"));
        assertThat(sink.started).containsExactly(text("1"));
        sink.completeNext();
        assertThat(sink.started).containsExactly(text("1"), text("2"));
        sink.completeNext();
        sink.completeNext();
        assertThat(sink.started).containsExactly(text("1"), text("2"), text("3"));
        assertThat(queue.size()).isZero();
    }

    @Test
    void overflowIsReportedOnceAndFurtherFramesAreRefused() {
        HeldSink sink = new HeldSink();
        AtomicInteger overflows = new AtomicInteger();
        OutboundQueue queue = new OutboundQueue(sink, 2, Long.MAX_VALUE, Runnable::run, overflows::incrementAndGet, e -> { });
        assertThat(queue.offer(text("in flight"))).isTrue();
        assertThat(queue.offer(text("queued 1"))).isTrue();
        assertThat(queue.offer(text("queued 2"))).isTrue();
        assertThat(queue.offer(text("too many"))).isFalse();
        assertThat(queue.offer(text("still too many"))).isFalse();
        assertThat(overflows).hasValue(1);
    }

    @Test
    void sendsThatCompleteInlineDoNotGrowTheStack() {
        List<OutboundFrame> sent = new ArrayList<>();
        List<Runnable> handedOff = new ArrayList<>();
        FrameSink immediate = (frame, done) -> {
            sent.add(frame);
            done.accept(null);
        };
        HeldSink gate = new HeldSink();
        // Fill the queue behind a held send, then release it: the rest completes inline.
        OutboundQueue queue = new OutboundQueue((frame, done) -> {
            if (gate.started.isEmpty()) {
                gate.send(frame, done);
            } else {
                immediate.send(frame, done);
            }
        }, 100_000, Long.MAX_VALUE, handedOff::add, () -> { }, e -> { });
        for (int i = 0; i < 50_000; i++) {
            queue.offer(text(Integer.toString(i)));
        }
        gate.completeNext();
        while (!handedOff.isEmpty()) {
            handedOff.remove(0).run();
        }
        assertThat(sent).hasSize(49_999);
        assertThat(queue.size()).isZero();
    }

    @Test
    void aFailedSendReportsTheFailureAndDropsTheRest() {
        HeldSink sink = new HeldSink();
        List<Throwable> failures = new ArrayList<>();
        OutboundQueue queue = new OutboundQueue(sink, 10, Long.MAX_VALUE, Runnable::run, () -> { }, failures::add);
        queue.offer(text("1"));
        queue.offer(text("2"));
        sink.pending.remove(0).accept(new java.io.IOException("broken pipe"));
        assertThat(failures).hasSize(1);
        assertThat(queue.size()).isZero();
        assertThat(sink.started).containsExactly(text("1"));
    }

    @Test
    void queuedBytesOverTheBoundOverflowLikeTooManyFrames() {
        HeldSink sink = new HeldSink();
        AtomicInteger overflows = new AtomicInteger();
        OutboundQueue queue = new OutboundQueue(sink, 100, 10, Runnable::run, overflows::incrementAndGet, e -> { });
        assertThat(queue.offer(text("in flight, not counted"))).isTrue();
        assertThat(queue.offer(text("123456"))).isTrue();
        assertThat(queue.offer(new OutboundFrame.Binary(java.nio.ByteBuffer.wrap(new byte[4])))).isTrue();
        assertThat(queue.queuedBytes()).isEqualTo(10);
        assertThat(queue.offer(text("x"))).isFalse();
        assertThat(queue.offer(text("y"))).isFalse();
        assertThat(overflows).hasValue(1);
        assertThat(queue.size()).isEqualTo(2);
    }

    @Test
    void aFrameLargerThanTheByteBoundStillEntersAnEmptyQueue() {
        HeldSink sink = new HeldSink();
        AtomicInteger overflows = new AtomicInteger();
        OutboundQueue queue = new OutboundQueue(sink, 100, 10, Runnable::run, overflows::incrementAndGet, e -> { });
        assertThat(queue.offer(text("in flight"))).isTrue();
        assertThat(queue.offer(text("x".repeat(50)))).isTrue();
        assertThat(overflows).hasValue(0);
        assertThat(queue.offer(text("1"))).isFalse();
        assertThat(overflows).hasValue(1);
    }

    @Test
    void framesTakenForSendingGiveTheirBytesBack() {
        HeldSink sink = new HeldSink();
        OutboundQueue queue = new OutboundQueue(sink, 100, 10, Runnable::run, () -> { }, e -> { });
        queue.offer(text("in flight"));
        queue.offer(text("12345"));
        queue.offer(text("12345"));
        assertThat(queue.queuedBytes()).isEqualTo(10);
        sink.completeNext(); // the first "12345" is now being written, no longer waiting
        assertThat(queue.queuedBytes()).isEqualTo(5);
        assertThat(queue.offer(text("12345"))).isTrue();
        assertThat(queue.queuedBytes()).isEqualTo(10);
    }

    @Test
    void textIsCountedInUtf8Bytes() {
        assertThat(text("abc").payloadBytes()).isEqualTo(3);
        assertThat(text("\u00e9\u20ac\ud83d\ude00").payloadBytes()).isEqualTo(2 + 3 + 4);
        assertThat(OutboundFrame.PING.payloadBytes()).isZero();
    }
}
