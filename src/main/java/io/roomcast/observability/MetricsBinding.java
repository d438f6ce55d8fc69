package io.roomcast.observability;

import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.room.RoomRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Publishes Roomcast's own figures through MicroProfile Metrics ({@code /metrics}). The figures live
 * in {@link RoomcastMetrics}, the registries and plain Java; this class only exposes them.
 */
@ApplicationScoped
public class MetricsBinding {

    @Inject
    MetricRegistry metrics;
    @Inject
    RoomcastMetrics figures;
    @Inject
    ConnectionRegistry connections;
    @Inject
    RoomRegistry rooms;

    void register(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        metrics.gauge("roomcast_connections", connections, ConnectionRegistry::size);
        metrics.gauge("roomcast_rooms", rooms, RoomRegistry::roomCount);
        metrics.gauge("roomcast_messages_in_total", figures, RoomcastMetrics::messagesIn);
        metrics.gauge("roomcast_messages_out_total", figures, RoomcastMetrics::messagesOut);
        metrics.gauge("roomcast_heartbeat_timeouts_total", figures, RoomcastMetrics::heartbeatTimeouts);
        metrics.gauge("roomcast_slow_consumer_closes_total", figures, RoomcastMetrics::slowConsumerCloses);
        for (ErrorCode code : ErrorCode.HANDSHAKE) {
            metrics.gauge("roomcast_handshake_failures_total", figures, f -> f.handshakeFailures(code),
                    new Tag("code", code.wire()));
        }
    }
}
