package io.roomcast.observability;

import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.room.RoomRegistry;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

/**
 * {@code GET /api/metrics}: Roomcast's figures in the Prometheus text format, served by the application
 * itself so that they are there on every server, whatever its metrics support (WildFly 38 has no
 * MicroProfile Metrics; on Payara the same figures are also at {@code /metrics}, by
 * {@link MetricsBinding}).
 */
@Path("/metrics")
@RequestScoped
public class MetricsResource {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    @Inject
    RoomcastMetrics figures;
    @Inject
    ConnectionRegistry connections;
    @Inject
    RoomRegistry rooms;

    @GET
    @Produces(CONTENT_TYPE)
    public String metrics() {
        return format(connections.size(), rooms.roomCount(), figures);
    }

    /** The exposition text; names as the MicroProfile Metrics binding publishes them. */
    static String format(int connections, int rooms, RoomcastMetrics figures) {
        StringBuilder out = new StringBuilder(1024);
        gauge(out, "roomcast_connections", "Live WebSocket sessions, all endpoints", connections);
        gauge(out, "roomcast_rooms", "Rooms with at least one member", rooms);
        counter(out, "roomcast_messages_in_total", "Data frames received from clients", figures.messagesIn());
        counter(out, "roomcast_messages_out_total", "Messages delivered to sessions' outbound queues", figures.messagesOut());
        counter(out, "roomcast_heartbeat_timeouts_total", "Sessions closed for silence",
                figures.heartbeatTimeouts());
        counter(out, "roomcast_slow_consumer_closes_total", "Sessions closed with 1013 for a full outbound queue",
                figures.slowConsumerCloses());
        String failures = "roomcast_handshake_failures_total";
        header(out, failures, "Refused WebSocket handshakes by error code", "counter");
        for (ErrorCode code : ErrorCode.HANDSHAKE) {
            out.append(failures).append("{code=\"").append(code.wire()).append("\"} ")
                    .append(figures.handshakeFailures(code)).append('\n');
        }
        return out.toString();
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        header(out, name, help, "gauge");
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        header(out, name, help, "counter");
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
}
