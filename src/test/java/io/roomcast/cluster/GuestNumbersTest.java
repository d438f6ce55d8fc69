package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GuestNumbersTest {

    private final AtomicInteger asked = new AtomicInteger();
    private final GuestNumbers numbers = new GuestNumbers(asked::incrementAndGet);

    @Test
    void withoutABlockThereIsNoNumberAndABlockIsAskedForOnce() {
        assertThat(numbers.take()).isZero();
        assertThat(numbers.take()).isZero();
        assertThat(asked).hasValue(1);
        assertThat(numbers.wanted()).isFalse(); // a fetch is under way
    }

    @Test
    void aBlockIsHandedOutInOrderAndTheNextIsAskedForAtHalf() {
        numbers.add(65);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < GuestNumbers.BLOCK / 2; i++) {
            assertThat(numbers.take()).isEqualTo(65 + i);
        }
        assertThat(asked).hasValue(0);
        seen.add(numbers.take());
        assertThat(asked).hasValue(1);
        numbers.add(129); // fetched ahead: used once the current block is done
        for (int i = GuestNumbers.BLOCK / 2 + 1; i < GuestNumbers.BLOCK; i++) {
            assertThat(numbers.take()).isEqualTo(65 + i);
        }
        assertThat(numbers.take()).isEqualTo(129);
    }

    @Test
    void theUpkeepFetchesAheadWhileNoBlockIsWaiting() {
        assertThat(numbers.wanted()).isTrue();
        numbers.add(1);
        assertThat(numbers.wanted()).isTrue(); // the first became the current block
        numbers.add(65);
        assertThat(numbers.wanted()).isFalse();
    }

    @Test
    void aFailedFetchIsTriedAgain() {
        numbers.take();
        assertThat(numbers.wanted()).isFalse();
        numbers.failed();
        assertThat(numbers.wanted()).isTrue();
    }
}
