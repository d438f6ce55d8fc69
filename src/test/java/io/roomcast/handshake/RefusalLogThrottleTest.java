package io.roomcast.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.protocol.ErrorCode;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RefusalLogThrottleTest {

    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final RefusalLogThrottle throttle = new RefusalLogThrottle(now::get);

    private void advanceMillis(long millis) {
        now.addAndGet(millis * 1_000_000L);
    }

    @Test
    void theFirstRefusalOfACodeIsLogged() {
        assertThat(throttle.refused(ErrorCode.INVALID_CREDENTIALS)).isEqualTo(1);
    }

    @Test
    void atMostOneLinePerSecondPerCodeCarryingTheCountSinceTheLastLine() {
        assertThat(throttle.refused(ErrorCode.INVALID_CREDENTIALS)).isEqualTo(1);
        for (int i = 0; i < 99; i++) {
            advanceMillis(5);
            assertThat(throttle.refused(ErrorCode.INVALID_CREDENTIALS)).isZero();
        }
        advanceMillis(505); // one second after the first line
        assertThat(throttle.refused(ErrorCode.INVALID_CREDENTIALS)).isEqualTo(100);
        advanceMillis(999);
        assertThat(throttle.refused(ErrorCode.INVALID_CREDENTIALS)).isZero();
        advanceMillis(1);
        assertThat(throttle.refused(ErrorCode.INVALID_CREDENTIALS)).isEqualTo(2);
    }

    @Test
    void eachCodeHasItsOwnWindow() {
        assertThat(throttle.refused(ErrorCode.INVALID_CREDENTIALS)).isEqualTo(1);
        assertThat(throttle.refused(ErrorCode.FORBIDDEN_ORIGIN)).isEqualTo(1);
        assertThat(throttle.refused(ErrorCode.INVALID_CREDENTIALS)).isZero();
        assertThat(throttle.refused(ErrorCode.TOO_MANY_CONNECTIONS)).isEqualTo(1);
    }

    @Test
    void aQuietCodeIsLoggedAtOnceAgain() {
        throttle.refused(ErrorCode.MISSING_CREDENTIALS);
        advanceMillis(60_000);
        assertThat(throttle.refused(ErrorCode.MISSING_CREDENTIALS)).isEqualTo(1);
    }
}
