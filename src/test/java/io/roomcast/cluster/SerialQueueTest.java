package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SerialQueueTest {

    private static final SerialQueue.Bound LARGE = new SerialQueue.Bound(100_000, Long.MAX_VALUE);
    private static final byte[] RESYNC = "resync".getBytes(StandardCharsets.UTF_8);

    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    /** The publisher's warnings, as the JDK's platform logging (java.util.logging here) gets them. */
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Logger log = Logger.getLogger(SerialQueue.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final AtomicInteger droppedMetric = new AtomicInteger();
    private final AtomicInteger resyncsTaken = new AtomicInteger();
    private final SerialQueue.Overflow<byte[]> overflow = new SerialQueue.Overflow<>() {
        @Override
        public void dropped() {
            droppedMetric.incrementAndGet();
        }

        @Override
        public byte[] resync() {
            resyncsTaken.incrementAndGet();
            return RESYNC;
        }
    };

    @BeforeEach
    void listen() {
        log.addHandler(capture);
    }

    @AfterEach
    void stop() {
        log.removeHandler(capture);
        executor.shutdownNow();
    }

    /** An encoded event counts its bytes, as the bus offers them. */
    private static void offer(SerialQueue<byte[]> queue, byte[] event) {
        queue.offer(event, event.length);
    }

    private static byte[] number(int n) {
        return ByteBuffer.allocate(4).putInt(n).array();
    }

    @Test
    void publishesInOfferOrderOneAtATime() throws Exception {
        List<Integer> published = new CopyOnWriteArrayList<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger overlap = new AtomicInteger();
        SerialQueue<byte[]> publisher = new SerialQueue<>("cluster bus backlog", executor, bytes -> {
            if (inFlight.incrementAndGet() > 1) {
                overlap.incrementAndGet();
            }
            published.add(ByteBuffer.wrap(bytes).getInt());
            inFlight.decrementAndGet();
        }, LARGE, overflow);

        for (int i = 0; i < 20_000; i++) {
            int n = i;
            offer(publisher, number(n));
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> published.size() == 20_000);
        assertThat(overlap.get()).isZero();
        for (int i = 0; i < published.size(); i++) {
            assertThat(published.get(i)).isEqualTo(i);
        }
    }

    @Test
    void anItemIsTakenWhenItsTurnComes() {
        List<String> seen = new CopyOnWriteArrayList<>();
        StringBuilder state = new StringBuilder("before");
        SerialQueue<byte[]> publisher = new SerialQueue<>("cluster bus backlog", executor, bytes -> seen.add(new String(bytes)),
                new SerialQueue.Bound(10, 1000), overflow);
        publisher.offerLazily(() -> {
            state.setLength(0);
            state.append("after");
            return "first".getBytes();
        });
        publisher.offerLazily(() -> state.toString().getBytes());
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
        assertThat(seen).containsExactly("first", "after");
    }

    @Test
    void dropsWhatIsOfferedOverTheCountBound() {
        Blocking sink = new Blocking();
        SerialQueue<byte[]> publisher = new SerialQueue<>("cluster bus backlog", executor, sink, new SerialQueue.Bound(3, Long.MAX_VALUE),
                overflow);
        for (int i = 0; i < 5; i++) {
            offer(publisher, number(i));
        }
        assertThat(publisher.size()).isEqualTo(3);
        assertThat(publisher.dropped()).isEqualTo(2);
        assertThat(droppedMetric).hasValue(2);
        sink.release();
    }

    @Test
    void dropsWhatIsOfferedOverTheByteBoundWhateverTheCount() {
        Blocking sink = new Blocking();
        SerialQueue<byte[]> publisher = new SerialQueue<>("cluster bus backlog", executor, sink, new SerialQueue.Bound(100_000, 5_000),
                overflow);
        for (int i = 0; i < 5; i++) {
            offer(publisher, new byte[1_000]); // the first is held by the blocked sink: it still counts
        }
        assertThat(publisher.bytes()).isEqualTo(5_000);

        offer(publisher, new byte[1_000]);
        offer(publisher, new byte[1]);
        publisher.offerLazily(() -> new byte[0]); // an item of no bytes still fits

        assertThat(publisher.dropped()).isEqualTo(2);
        assertThat(droppedMetric).hasValue(2);
        assertThat(publisher.size()).isEqualTo(6);
        assertThat(publisher.bytes()).isEqualTo(5_000);

        sink.release();
        await().atMost(Duration.ofSeconds(10)).until(() -> publisher.size() == 0);
        assertThat(publisher.bytes()).isZero();
    }

    @Test
    void anOverflowIsLoggedOnceAndEndsWithOneResyncAfterTheBacklogDrained() {
        Blocking sink = new Blocking();
        SerialQueue<byte[]> publisher = new SerialQueue<>("cluster bus backlog", executor, sink, new SerialQueue.Bound(2, Long.MAX_VALUE),
                overflow);
        offer(publisher, number(1));
        offer(publisher, number(2));
        for (int i = 0; i < 10; i++) {
            offer(publisher, number(100 + i));
        }
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("full").contains("room messages");
        assertThat(resyncsTaken).hasValue(0);

        sink.release();
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.published.size() == 3);
        assertThat(sink.published).containsExactly(number(1), number(2), RESYNC);
        assertThat(resyncsTaken).hasValue(1);
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(1)).contains("drained").contains("snapshot");
        assertThat(droppedMetric).hasValue(10);

        // The next episode is logged and resynced once again.
        sink.block();
        offer(publisher, number(3));
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.entered.getCount() == 0);
        offer(publisher, number(4));
        offer(publisher, number(5));
        offer(publisher, number(6));
        assertThat(warnings).hasSize(3);
        sink.release();
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.published.size() == 6);
        assertThat(sink.published.subList(3, 6)).containsExactly(number(3), number(4), RESYNC);
        assertThat(resyncsTaken).hasValue(2);
        assertThat(warnings).hasSize(4);
        assertThat(publisher.dropped()).isEqualTo(12);
    }

    @Test
    void withoutAnOverflowThereIsNoResync() {
        List<byte[]> published = new CopyOnWriteArrayList<>();
        SerialQueue<byte[]> publisher = new SerialQueue<>("cluster bus backlog", Runnable::run, published::add, new SerialQueue.Bound(2, 100),
                overflow);
        for (int i = 0; i < 5; i++) {
            offer(publisher, number(i));
        }
        assertThat(published).hasSize(5);
        assertThat(resyncsTaken).hasValue(0);
        assertThat(warnings).isEmpty();
    }

    @Test
    void dropsWhatIsOfferedOverCapacity() {
        List<byte[]> published = new CopyOnWriteArrayList<>();
        SerialQueue<byte[]> publisher = new SerialQueue<>("cluster bus backlog", Runnable::run, published::add, new SerialQueue.Bound(0, 0),
                overflow);
        offer(publisher, number(1));
        assertThat(published).containsExactly(RESYNC); // the drop, then the empty backlog's resync
        assertThat(publisher.size()).isZero();
        assertThat(publisher.dropped()).isEqualTo(1);
    }

    /** A sink that holds the publishing thread in its first call until released. */
    private static final class Blocking implements Consumer<byte[]> {
        final List<byte[]> published = new CopyOnWriteArrayList<>();
        volatile CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch gate = new CountDownLatch(1);

        @Override
        public void accept(byte[] bytes) {
            entered.countDown();
            try {
                if (!gate.await(20, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            published.add(bytes);
        }

        void release() {
            gate.countDown();
        }

        void block() {
            entered = new CountDownLatch(1);
            gate = new CountDownLatch(1);
        }
    }
}
