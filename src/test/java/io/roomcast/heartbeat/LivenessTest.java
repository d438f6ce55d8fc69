package io.roomcast.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.connection.Connection;
import io.roomcast.connection.TestConnections;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LivenessTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aConnectionIsSilentTooLongOnlyAfterTheTimeout() {
        Liveness liveness = new Liveness(Duration.ofSeconds(75));
        Connection connection = TestConnections.connection("a", "alice");
        connection.seen(100 * SECOND);
        assertThat(liveness.isSilentTooLong(connection, 175 * SECOND)).isFalse();
        assertThat(liveness.isSilentTooLong(connection, 175 * SECOND + 1)).isTrue();
    }

    @Test
    void anyFrameResetsTheClock() {
        Liveness liveness = new Liveness(Duration.ofSeconds(4));
        Connection connection = TestConnections.connection("a", "alice");
        connection.seen(0);
        connection.seen(3 * SECOND);
        assertThat(liveness.isSilentTooLong(connection, 6 * SECOND)).isFalse();
    }
}
