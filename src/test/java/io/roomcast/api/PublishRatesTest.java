package io.roomcast.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PublishRatesTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final PublishRates rates = new PublishRates(2, 4, now::get);

    private void advanceMillis(long millis) {
        now.addAndGet(millis * 1_000_000L);
    }

    @Test
    void eachUserHasABurstThenTheRate() {
        for (int i = 0; i < 4; i++) {
            assertThat(rates.tryPublish("alice")).isTrue();
        }
        assertThat(rates.tryPublish("alice")).isFalse();
        assertThat(rates.tryPublish("bob")).isTrue();
        advanceMillis(500);
        assertThat(rates.tryPublish("alice")).isTrue();
        assertThat(rates.tryPublish("alice")).isFalse();
    }

    @Test
    void idleBucketsAreDroppedSoManyUsersCannotGrowTheMapWithoutBound() {
        for (int i = 0; i <= PublishRates.SWEEP_ABOVE; i++) {
            rates.tryPublish("user-" + i);
        }
        assertThat(rates.size()).isEqualTo(PublishRates.SWEEP_ABOVE + 1);
        advanceMillis(2_000); // burst / rate: every bucket is full again, the same as no bucket
        rates.tryPublish("newcomer");
        assertThat(rates.size()).isEqualTo(1);
    }

    @Test
    void aBucketInUseIsKeptBySweeps() {
        for (int i = 0; i < 4; i++) {
            rates.tryPublish("alice");
        }
        for (int i = 0; i <= PublishRates.SWEEP_ABOVE; i++) {
            rates.tryPublish("user-" + i);
        }
        advanceMillis(1_000);
        rates.tryPublish("alice"); // refilled 2 of 4, takes one: not idle
        advanceMillis(1_500);
        rates.tryPublish("other");
        assertThat(rates.size()).isEqualTo(2);
        assertThat(rates.tryPublish("alice")).isTrue();
    }
}
