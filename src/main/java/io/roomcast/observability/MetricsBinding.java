package io.roomcast.observability;

import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.stream.StreamStore;
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
    RoomCount roomCount;
    @Inject
    StreamStore store;

    void register(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        Figure.Sources sources = new Figure.Sources(connections::size, roomCount::roomCount, store::bytes,
                store::streams, figures);
        for (Figure figure : Figure.values()) {
            metrics.gauge(figure.metricName, sources, figure::value);
        }
        for (ErrorCode code : ErrorCode.HANDSHAKE) {
            metrics.gauge(Figure.HANDSHAKE_FAILURES, figures, f -> f.handshakeFailures(code),
                    new Tag("code", code.wire()));
        }
    }
}
