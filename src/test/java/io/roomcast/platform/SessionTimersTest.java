package io.roomcast.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SessionTimersTest {

    @Test
    void idleTimersAreSweptAFifteenthOfTheTimeoutApartAtMostTenSeconds() {
        assertThat(SessionTimers.sweepMillis(150_000)).isEqualTo(10_000); // the default: twice 75 s
        assertThat(SessionTimers.sweepMillis(60_000)).isEqualTo(4_000);
        assertThat(SessionTimers.sweepMillis(600_000)).isEqualTo(10_000);
        assertThat(SessionTimers.sweepMillis(1_000)).isEqualTo(100);
    }
}
