package io.roomcast.heartbeat;

import io.roomcast.connection.Connection;
import io.roomcast.connection.OutboundFrame;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * One tick of the heartbeat: every live connection gets one ping, JSON and status connections also
 * the JSON heartbeat, and connections silent for too long are handed to {@code onTimeout} instead.
 */
public final class HeartbeatRound {

    private final Liveness liveness;

    public HeartbeatRound(Liveness liveness) {
        this.liveness = liveness;
    }

    /** Runs the round; returns how many connections timed out. */
    public int run(Collection<Connection> connections, long nowNanos, OutboundFrame heartbeat,
                   Consumer<Connection> onTimeout) {
        int timedOut = 0;
        for (Connection connection : connections) {
            if (liveness.isSilentTooLong(connection, nowNanos)) {
                onTimeout.accept(connection);
                timedOut++;
                continue;
            }
            connection.send(OutboundFrame.PING);
            if (connection.kind().speaksJson()) {
                connection.send(heartbeat);
            }
        }
        return timedOut;
    }
}
