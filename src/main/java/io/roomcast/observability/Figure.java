package io.roomcast.observability;

import io.roomcast.protocol.ErrorCode;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * Roomcast's own figures, named once for both places that publish them: {@code GET /api/metrics}
 * ({@link MetricsResource}) and MicroProfile Metrics where the server has it ({@link MetricsBinding}).
 */
enum Figure {

    CONNECTIONS("roomcast_connections", "Live WebSocket sessions, all endpoints", Type.GAUGE,
            sources -> sources.connections().getAsLong()),
    ROOMS("roomcast_rooms", "Rooms with at least one member", Type.GAUGE,
            sources -> sources.rooms().getAsLong()),
    MESSAGES_IN("roomcast_messages_in_total", "Data frames received from clients", Type.COUNTER,
            sources -> sources.figures().messagesIn()),
    MESSAGES_OUT("roomcast_messages_out_total", "Messages delivered to sessions' outbound queues", Type.COUNTER,
            sources -> sources.figures().messagesOut()),
    HEARTBEAT_TIMEOUTS("roomcast_heartbeat_timeouts_total", "Sessions closed for silence", Type.COUNTER,
            sources -> sources.figures().heartbeatTimeouts()),
    SLOW_CONSUMER_CLOSES("roomcast_slow_consumer_closes_total",
            "Sessions closed with 1013 for a full outbound queue", Type.COUNTER,
            sources -> sources.figures().slowConsumerCloses()),
    SLOW_CONSUMER_RESETS("roomcast_slow_consumer_resets_total",
            "Slow consumers' TCP connections reset because they were still open 2 s after the overflow (the peer"
                    + " read nothing)", Type.COUNTER, sources -> sources.figures().slowConsumerResets()),
    HISTORY_BYTES("roomcast_history_bytes",
            "Estimated bytes of the room stream messages this instance keeps (bounded by roomcast.history.max-bytes)",
            Type.GAUGE, sources -> sources.historyBytes().getAsLong()),
    STREAMS("roomcast_streams", "Room streams this instance keeps", Type.GAUGE,
            sources -> sources.streams().getAsLong()),
    CLUSTER_DROPPED("roomcast_cluster_dropped_total",
            "Cluster bus events dropped because a backlog (sending or receiving) was full", Type.COUNTER,
            sources -> sources.figures().clusterEventsDropped()),
    CLUSTER_REJECTED("roomcast_cluster_rejected_total",
            "Cluster bus events and kept messages dropped because their seal did not open (another "
                    + "roomcast.cluster.secret, or forged) or they were malformed", Type.COUNTER,
            sources -> sources.figures().clusterMessagesRejected()),
    DIRECT_SEND_SESSIONS("roomcast_direct_send_sessions_total",
            "Sessions opened on the server's own send path (each room message encoded once, queued frames written"
                    + " together); the others use the standard RemoteEndpoint.Async", Type.COUNTER,
            sources -> sources.figures().directSendSessions());

    /** One series per {@link ErrorCode#HANDSHAKE} code, tagged {@code code}. */
    static final String HANDSHAKE_FAILURES = "roomcast_handshake_failures_total";
    static final String HANDSHAKE_FAILURES_HELP = "Refused WebSocket handshakes by error code";

    enum Type {
        GAUGE, COUNTER;

        String exposition() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where the figures are read: live registries in production, fixed numbers in a test. */
    record Sources(LongSupplier connections, LongSupplier rooms, LongSupplier historyBytes, LongSupplier streams,
                   RoomcastMetrics figures) {
    }

    final String metricName;
    final String help;
    final Type type;
    private final ToLongFunction<Sources> reader;

    Figure(String metricName, String help, Type type, ToLongFunction<Sources> reader) {
        this.metricName = metricName;
        this.help = help;
        this.type = type;
        this.reader = reader;
    }

    long value(Sources sources) {
        return reader.applyAsLong(sources);
    }
}
