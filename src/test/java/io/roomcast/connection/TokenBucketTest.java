package io.roomcast.connection;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstIsAllowedThenTheRateApplies() {
        TokenBucket bucket = new TokenBucket(20, 40, 0);
        for (int i = 0; i < 40; i++) {
            assertThat(bucket.tryTake(0)).isTrue();
        }
        assertThat(bucket.tryTake(0)).isFalse();
        assertThat(bucket.tryTake(SECOND / 20)).isTrue(); // one token refilled after 50 ms
        assertThat(bucket.tryTake(SECOND / 20)).isFalse();
    }

    @Test
    void consecutiveSecondsWithRefusalsAreCounted() {
        TokenBucket bucket = new TokenBucket(1, 1, 0);
        for (int second = 0; second < 10; second++) {
            long now = second * SECOND;
            bucket.tryTake(now);
            assertThat(bucket.tryTake(now + 1)).isFalse();
        }
        assertThat(bucket.consecutiveRefusedSeconds()).isEqualTo(10);
    }

    @Test
    void aQuietSecondResetsTheCount() {
        TokenBucket bucket = new TokenBucket(1, 1, 0);
        bucket.tryTake(0);
        bucket.tryTake(1);
        bucket.tryTake(SECOND);
        bucket.tryTake(SECOND + 1);
        assertThat(bucket.consecutiveRefusedSeconds()).isEqualTo(2);
        // second 2 passes without refusal; second 3 refuses again
        bucket.tryTake(3 * SECOND);
        bucket.tryTake(3 * SECOND + 1);
        assertThat(bucket.consecutiveRefusedSeconds()).isEqualTo(1);
    }

    @Test
    void aRefusalIsToldAtMostOncePerSecond() {
        TokenBucket bucket = new TokenBucket(1, 1, 0);
        assertThat(bucket.refusalNoticeDue(5)).isTrue();
        assertThat(bucket.refusalNoticeDue(6)).isFalse();
        assertThat(bucket.refusalNoticeDue(5 + SECOND - 1)).isFalse();
        assertThat(bucket.refusalNoticeDue(5 + SECOND)).isTrue();
        assertThat(bucket.refusalNoticeDue(5 + SECOND + 1)).isFalse();
        assertThat(bucket.refusalNoticeDue(10 * SECOND)).isTrue();
    }

    @Test
    void aFrameRefusedByAnotherBucketGetsItsTokenBackAndCountsAsARefusal() {
        TokenBucket bucket = new TokenBucket(1, 2, 0);
        assertThat(bucket.tryTake(0)).isTrue();
        bucket.refusedElsewhere(0);
        assertThat(bucket.consecutiveRefusedSeconds()).isEqualTo(1);
        assertThat(bucket.tryTake(1)).as("the token came back").isTrue();
        assertThat(bucket.tryTake(2)).isTrue();
        assertThat(bucket.tryTake(3)).isFalse();
        bucket.tryTake(SECOND);
        bucket.refusedElsewhere(SECOND);
        assertThat(bucket.consecutiveRefusedSeconds()).isEqualTo(2);
    }

    @Test
    void aReturnedTokenNeverRaisesTheBucketAboveItsBurst() {
        TokenBucket bucket = new TokenBucket(1, 2, 0);
        bucket.refusedElsewhere(0);
        assertThat(bucket.tryTake(0)).isTrue();
        assertThat(bucket.tryTake(0)).isTrue();
        assertThat(bucket.tryTake(0)).isFalse();
    }

    @Test
    void theWaitForTheNextTokenFollowsTheRate() {
        TokenBucket bucket = new TokenBucket(4, 1, 0);
        bucket.tryTake(0);
        assertThat(bucket.tryTake(0)).isFalse();
        assertThat(bucket.nanosUntilToken()).isEqualTo(SECOND / 4);
    }
}
