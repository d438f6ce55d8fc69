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
    void theFramesWaitingAfterEachQueuedFrameAreReportedButNotARefusedOne() {
        HeldSink sink = new HeldSink();
        List<Integer> depths = new ArrayList<>();
        OutboundQueue queue = new OutboundQueue(sink, 2, Long.MAX_VALUE, Runnable::run, overflowNanos -> { }, e -> { },
                depths::add);
        queue.offer(text("1")); // waits only until it is taken for writing
        queue.offer(text("2")); // behind the write in flight, which is not counted
        queue.offer(text("3"));
        queue.offer(text("4")); // past the bound: refused
        assertThat(depths).containsExactly(1, 1, 2);
    }

    @Test
    void framesAreSentInOrderWithOneInFlight() {
        HeldSink sink = new HeldSink();
        OutboundQueue queue = new OutboundQueue(sink, 10, Long.MAX_VALUE, Runnable::run, overflowNanos -> { }, e -> { });
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
        OutboundQueue queue = new OutboundQueue(sink, 2, Long.MAX_VALUE, Runnable::run, overflowNanos -> overflows.incrementAndGet(), e -> { });
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
        }, 100_000, Long.MAX_VALUE, handedOff::add, overflowNanos -> { }, e -> { });
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
        OutboundQueue queue = new OutboundQueue(sink, 10, Long.MAX_VALUE, Runnable::run, overflowNanos -> { }, failures::add);
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
        OutboundQueue queue = new OutboundQueue(sink, 100, 10, Runnable::run, overflowNanos -> overflows.incrementAndGet(), e -> { });
        assertThat(queue.offer(text("in flight, not counted"))).isTrue();
        assertThat(queue.offer(text("123456"))).isTrue();
        assertThat(queue.offer(new OutboundFrame.Binary(java.nio.ByteBuffer.wrap(new byte[4])))).isTrue();
        assertThat(queue.queuedBytes()).isEqualTo(10);
        assertThat(queue.offer(text("x"))).isFalse();
        assertThat(queue.offer(text("y"))).isFalse();
        assertThat(overflows).hasValue(1);
        assertThat(queue.size()).as("what waited was dropped with the queue").isZero();
        assertThat(queue.queuedBytes()).isZero();
    }

    @Test
    void aFrameLargerThanTheByteBoundStillEntersAnEmptyQueue() {
        HeldSink sink = new HeldSink();
        AtomicInteger overflows = new AtomicInteger();
        OutboundQueue queue = new OutboundQueue(sink, 100, 10, Runnable::run, overflowNanos -> overflows.incrementAndGet(), e -> { });
        assertThat(queue.offer(text("in flight"))).isTrue();
        assertThat(queue.offer(text("x".repeat(50)))).isTrue();
        assertThat(overflows).hasValue(0);
        assertThat(queue.offer(text("1"))).isFalse();
        assertThat(overflows).hasValue(1);
    }

    @Test
    void framesTakenForSendingGiveTheirBytesBack() {
        HeldSink sink = new HeldSink();
        OutboundQueue queue = new OutboundQueue(sink, 100, 10, Runnable::run, overflowNanos -> { }, e -> { });
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

    // PROTOCOL 13.7: an overflow kills the queue, and what follows runs on the executor, never inline.

    /** An executor that only records what it is given, so the test sees what would run inline. */
    private static final class RecordingExecutor implements java.util.concurrent.Executor {
        final List<Runnable> tasks = new ArrayList<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            while (!tasks.isEmpty()) {
                tasks.remove(0).run();
            }
        }
    }

    @Test
    void anOverflowIsHandedToTheExecutorWithItsTimeAndNeverRunsInTheOffer() {
        HeldSink sink = new HeldSink();
        RecordingExecutor executor = new RecordingExecutor();
        List<Long> overflows = new ArrayList<>();
        OutboundQueue queue = new OutboundQueue(sink, 2, Long.MAX_VALUE, executor, overflows::add, e -> { });
        queue.offer(text("in flight"));
        queue.offer(text("queued 1"));
        queue.offer(text("queued 2"));
        long before = System.nanoTime();

        assertThat(queue.offer(text("too many"))).isFalse();
        assertThat(overflows).as("nothing of the disconnect runs on the offering thread").isEmpty();
        assertThat(queue.dead()).isTrue();
        assertThat(executor.tasks).hasSize(1);

        executor.runAll();
        assertThat(overflows).hasSize(1);
        assertThat(overflows.get(0)).as("the moment of the overflow").isBetween(before, System.nanoTime());
    }

    @Test
    void aDeadQueueTakesNothingDropsWhatWaitedAndWritesNothingAfterTheWriteInFlight() {
        HeldSink sink = new HeldSink();
        RecordingExecutor executor = new RecordingExecutor();
        AtomicInteger overflows = new AtomicInteger();
        OutboundQueue queue = new OutboundQueue(sink, 2, Long.MAX_VALUE, executor,
                overflowNanos -> overflows.incrementAndGet(), e -> { });
        queue.offer(text("in flight"));
        queue.offer(text("queued 1"));
        queue.offer(text("queued 2"));
        queue.offer(text("too many"));

        assertThat(queue.size()).isZero();
        assertThat(queue.queuedBytes()).isZero();
        assertThat(queue.offer(text("later"))).isFalse();
        sink.completeNext(); // the peer took the frame in flight: nothing follows it
        executor.runAll();
        assertThat(sink.started).containsExactly(text("in flight"));
        assertThat(sink.pending).isEmpty();
        assertThat(queue.offer(text("even later"))).isFalse();
        assertThat(overflows).hasValue(1);
    }

    @Test
    void aFailedSendIsHandedToTheExecutorAndKillsTheQueue() {
        HeldSink sink = new HeldSink();
        RecordingExecutor executor = new RecordingExecutor();
        List<Throwable> failures = new ArrayList<>();
        OutboundQueue queue = new OutboundQueue(sink, 10, Long.MAX_VALUE, executor, overflowNanos -> { }, failures::add);
        queue.offer(text("1"));
        queue.offer(text("2"));
        java.io.IOException broken = new java.io.IOException("broken pipe");

        sink.pending.remove(0).accept(broken); // a completion: it may come inside another thread's offer
        assertThat(failures).as("not on the completing thread").isEmpty();
        assertThat(queue.dead()).isTrue();
        assertThat(queue.offer(text("3"))).isFalse();
        executor.runAll();
        assertThat(failures).containsExactly(broken);
        assertThat(sink.started).containsExactly(text("1"));
    }

    @Test
    void aFailureOfTheWriteInFlightAfterAnOverflowIsNotReportedAgain() {
        HeldSink sink = new HeldSink();
        RecordingExecutor executor = new RecordingExecutor();
        AtomicInteger overflows = new AtomicInteger();
        List<Throwable> failures = new ArrayList<>();
        OutboundQueue queue = new OutboundQueue(sink, 1, Long.MAX_VALUE, executor,
                overflowNanos -> overflows.incrementAndGet(), failures::add);
        queue.offer(text("in flight"));
        queue.offer(text("queued"));
        queue.offer(text("too many"));
        sink.pending.remove(0).accept(new java.io.IOException("reset by the server")); // the abort that follows
        executor.runAll();
        assertThat(overflows).hasValue(1);
        assertThat(failures).isEmpty();
    }

    @Test
    void offersRacingWithTheOverflowLeaveNothingQueuedAndReportItOnce() throws Exception {
        for (int round = 0; round < 200; round++) {
            HeldSink never = new HeldSink(); // holds the first send forever: everything else waits
            AtomicInteger overflows = new AtomicInteger();
            OutboundQueue queue = new OutboundQueue((frame, done) -> {
                synchronized (never) {
                    never.send(frame, done);
                }
            }, 64, Long.MAX_VALUE, Runnable::run, overflowNanos -> overflows.incrementAndGet(), e -> { });
            int threads = 4;
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
            List<Thread> offering = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread thread = new Thread(() -> {
                    try {
                        start.await();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    for (int i = 0; i < 100; i++) {
                        queue.offer(text("x"));
                    }
                });
                thread.start();
                offering.add(thread);
            }
            for (Thread thread : offering) {
                thread.join(10_000);
                assertThat(thread.isAlive()).isFalse();
            }
            assertThat(overflows).hasValue(1);
            assertThat(queue.size()).isZero();
            assertThat(queue.queuedBytes()).isZero();
            assertThat(never.started).hasSize(1);
        }
    }
}
