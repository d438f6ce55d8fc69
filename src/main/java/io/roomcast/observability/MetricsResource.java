package io.roomcast.observability;

import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.stream.StreamStore;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

/**
 * {@code GET /api/metrics}: Roomcast's figures in the Prometheus text format (0.0.4), served by the
 * application itself so that they are there on every server, whatever its metrics support: the portable
 * one, with every figure of docs/OPERATIONS.md. WildFly 38 has no MicroProfile Metrics; on Payara the
 * counters and gauges are also at {@code /metrics}, under the same names and types, by {@link MetricsBinding}.
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
    RoomCount roomCount;
    @Inject
    StreamStore store;

    @GET
    @Produces(CONTENT_TYPE)
    public String metrics() {
        return format(connections.size(), roomCount.roomCount(), store.bytes(), store.streams(), figures);
    }

    /** The exposition text; the same names as the MicroProfile Metrics binding publishes. */
    static String format(int connections, int rooms, long historyBytes, long streams, RoomcastMetrics figures) {
        Figure.Sources sources = new Figure.Sources(() -> connections, () -> rooms, () -> historyBytes,
                () -> streams, figures);
        StringBuilder out = new StringBuilder(1024);
        for (Figure figure : Figure.values()) {
            header(out, figure.metricName, figure.help, figure.type.exposition());
            out.append(figure.metricName).append(' ').append(figure.value(sources)).append('\n');
        }
        header(out, Figure.HANDSHAKE_FAILURES, Figure.HANDSHAKE_FAILURES_HELP, Figure.Type.COUNTER.exposition());
        for (ErrorCode code : ErrorCode.HANDSHAKE) {
            out.append(Figure.HANDSHAKE_FAILURES).append("{code=\"").append(code.wire()).append("\"} ")
                    .append(figures.handshakeFailures(code)).append('\n');
        }
        for (Distribution distribution : Distribution.values()) {
            histogram(out, distribution, figures.histogram(distribution));
        }
        return out.toString();
    }

    private static void histogram(StringBuilder out, Distribution distribution, Histogram.Snapshot snapshot) {
        String name = distribution.metricName;
        header(out, name, distribution.help, "histogram");
        long[] bounds = snapshot.bounds();
        long[] cumulative = snapshot.cumulative();
        for (int i = 0; i < cumulative.length; i++) {
            String le = i < bounds.length ? distribution.unit.format(bounds[i]) : "+Inf";
            out.append(name).append("_bucket{le=\"").append(le).append("\"} ").append(cumulative[i]).append('\n');
        }
        out.append(name).append("_sum ").append(distribution.unit.format(snapshot.sum())).append('\n')
                .append(name).append("_count ").append(snapshot.count()).append('\n');
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
}
