package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialPublisherTest {

    private final ExecutorService executor = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private static byte[] number(int n) {
        return ByteBuffer.allocate(4).putInt(n).array();
    }

    @Test
    void publishesInOfferOrderOneAtATime() throws Exception {
        List<Integer> published = new CopyOnWriteArrayList<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger overlap = new AtomicInteger();
        SerialPublisher publisher = new SerialPublisher(executor, bytes -> {
            if (inFlight.incrementAndGet() > 1) {
                overlap.incrementAndGet();
            }
            published.add(ByteBuffer.wrap(bytes).getInt());
            inFlight.decrementAndGet();
        }, 100_000);

        for (int i = 0; i < 20_000; i++) {
            int n = i;
            publisher.offer(() -> number(n));
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
        SerialPublisher publisher = new SerialPublisher(executor, bytes -> seen.add(new String(bytes)), 10);
        publisher.offer(() -> {
            state.setLength(0);
            state.append("after");
            return "first".getBytes();
        });
        publisher.offer(() -> state.toString().getBytes());
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
        assertThat(seen).containsExactly("first", "after");
    }

    @Test
    void dropsWhatIsOfferedOverCapacity() {
        List<byte[]> published = new CopyOnWriteArrayList<>();
        SerialPublisher publisher = new SerialPublisher(Runnable::run, published::add, 0);
        publisher.offer(() -> number(1));
        assertThat(published).isEmpty();
        assertThat(publisher.size()).isZero();
    }
}
