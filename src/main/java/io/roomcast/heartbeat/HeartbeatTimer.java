package io.roomcast.heartbeat;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.CloseReasons;
import io.roomcast.session.ConnectionLifecycle;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.OutboundFrame;
import io.roomcast.observability.RoomcastMetrics;
import io.roomcast.protocol.FrameEncoder;
import io.roomcast.protocol.ServerFrames;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * One timer for every session: each tick pings every connection, sends the JSON heartbeat to the
 * JSON and status sessions, and drops connections that have been silent for longer than the timeout.
 * The timer is not persistent: a persistent timer would fire on one cluster member only, and a
 * heartbeat missed while the server was down means nothing.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class HeartbeatTimer {

    private static final Logger LOG = System.getLogger(HeartbeatTimer.class.getName());

    @Resource
    TimerService timerService;
    @Inject
    RoomcastSettings settings;
    @Inject
    ConnectionRegistry connections;
    @Inject
    ConnectionLifecycle lifecycle;
    @Inject
    FrameEncoder encoder;
    @Inject
    RoomcastMetrics metrics;

    /** A handshake whose session has not opened after this long has failed; its limit slot is freed. */
    private static final long RESERVATION_MAX_AGE_NANOS = 30_000_000_000L;

    private HeartbeatRound round;

    @PostConstruct
    void start() {
        round = new HeartbeatRound(new Liveness(settings.heartbeatTimeout()));
        long interval = settings.heartbeatInterval().toMillis();
        timerService.createIntervalTimer(interval, interval, new TimerConfig("roomcast-heartbeat", false));
        LOG.log(Level.INFO, "heartbeat every {0} s, timeout {1} s",
                settings.heartbeatInterval().toSeconds(), settings.heartbeatTimeout().toSeconds());
    }

    @Timeout
    void beat() {
        long now = System.nanoTime();
        OutboundFrame heartbeat = new OutboundFrame.Text(
                encoder.encode(new ServerFrames.Heartbeat(System.currentTimeMillis())));
        connections.expireReservations(now, RESERVATION_MAX_AGE_NANOS);
        round.run(List.copyOf(connections.all()), now, heartbeat, connection -> {
            metrics.heartbeatTimeout();
            lifecycle.drop(connection, CloseReasons.HEARTBEAT_TIMEOUT);
        });
    }
}
