package io.roomcast.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The shared, bounded token buckets of PROTOCOL 12 and 13.5. */
class RateBucketsTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long START = 7 * SECOND;

    @Test
    void eachKeyHasItsBurstThenTheRate() {
        RateBuckets<String> buckets = new RateBuckets<>(2, 4, START);
        for (int i = 0; i < 4; i++) {
            assertThat(buckets.tryTake("a", START)).isTrue();
        }
        assertThat(buckets.tryTake("a", START)).isFalse();
        assertThat(buckets.tryTake("b", START)).as("another key").isTrue();
        assertThat(buckets.tryTake("a", START + SECOND / 2)).as("one token after 500 ms").isTrue();
        assertThat(buckets.tryTake("a", START + SECOND / 2)).isFalse();
    }

    @Test
    void aRefusalSaysHowLongUntilTheNextToken() {
        RateBuckets<String> buckets = new RateBuckets<>(0.5, 1, START);
        assertThat(buckets.take("a", START)).isZero();
        assertThat(buckets.take("a", START)).isEqualTo(2 * SECOND);
        assertThat(buckets.take("a", START + SECOND / 2)).isEqualTo(3 * SECOND / 2);
        assertThat(buckets.take("a", START + 2 * SECOND)).isZero();
    }

    @Test
    void aClockReadBeforeAnotherTakersLockNeverTakesTokensAway() {
        RateBuckets<String> buckets = new RateBuckets<>(1, 2, START);
        assertThat(buckets.tryTake("a", START + SECOND)).isTrue();
        assertThat(buckets.tryTake("a", START)).as("an earlier time: nothing refilled, nothing lost").isTrue();
        assertThat(buckets.tryTake("a", START)).isFalse();
    }

    @Test
    void fullBucketsAreDroppedAboveTheThresholdSoManyKeysCannotGrowTheMap() {
        RateBuckets<String> buckets = new RateBuckets<>(2, 4, 10, START);
        for (int i = 0; i <= 10; i++) {
            buckets.tryTake("key-" + i, START);
        }
        assertThat(buckets.size()).isEqualTo(11);
        // burst / rate = 2 s: every bucket is full again, the same as no bucket
        buckets.tryTake("newcomer", START + 2 * SECOND);
        assertThat(buckets.size()).isEqualTo(1);
    }

    @Test
    void aBucketThatHasNotRefilledIsKeptSoGoingAwayAndComingBackResetsNothing() {
        RateBuckets<String> buckets = new RateBuckets<>(2, 4, 10, START);
        for (int i = 0; i < 4; i++) {
            buckets.tryTake("reconnecter", START);
        }
        for (int i = 0; i <= 10; i++) {
            buckets.tryTake("key-" + i, START - 2 * SECOND);
        }
        buckets.tryTake("newcomer", START + SECOND); // a sweep: the others are full, the reconnecter is not
        assertThat(buckets.size()).isEqualTo(2);
        assertThat(buckets.tryTake("reconnecter", START + SECOND)).as("2 of 4 refilled").isTrue();
        assertThat(buckets.tryTake("reconnecter", START + SECOND)).isTrue();
        assertThat(buckets.tryTake("reconnecter", START + SECOND)).isFalse();
    }

    @Test
    void belowTheThresholdNothingIsSwept() {
        RateBuckets<String> buckets = new RateBuckets<>(2, 4, 10, START);
        for (int i = 0; i < 10; i++) {
            buckets.tryTake("key-" + i, START);
        }
        buckets.tryTake("key-0", START + 60 * SECOND);
        assertThat(buckets.size()).isEqualTo(10);
    }

    @Test
    void concurrentTakersNeverGetMoreThanTheBurst() throws Exception {
        int burst = 1_000;
        RateBuckets<String> buckets = new RateBuckets<>(0.001, burst, START);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger taken = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            pool.submit(() -> {
                start.await();
                for (int i = 0; i < burst; i++) {
                    if (buckets.tryTake("shared", START)) {
                        taken.incrementAndGet();
                    }
                }
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(taken).hasValue(burst);
    }
}
