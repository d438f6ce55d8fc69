package io.roomcast.heartbeat;

import io.roomcast.connection.Connection;
import java.time.Duration;

/** Decides whether a connection has been silent for too long. */
public final class Liveness {

    private final long timeoutNanos;

    public Liveness(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    public boolean isSilentTooLong(Connection connection, long nowNanos) {
        return nowNanos - connection.lastSeenNanos() > timeoutNanos;
    }
}
