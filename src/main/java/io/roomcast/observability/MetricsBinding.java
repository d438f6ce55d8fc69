package io.roomcast.observability;

import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.stream.StreamStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Publishes Roomcast's own figures through MicroProfile Metrics ({@code /metrics}), under the names and
 * types of {@code /api/metrics}: gauges as gauges, counters as counters (MicroProfile Metrics writes a
 * counter as its name plus {@code _total} unless the name ends so already, which ours do). The figures live in
 * {@link RoomcastMetrics}, the registries and plain Java; this class only exposes them.
 *
 * <p>The histograms are not published here: MicroProfile Metrics' histogram keeps a sample of the values
 * (Payara's: an exponentially decaying reservoir, taking a lock and allocating per value) and derives its
 * buckets from that sample, which the send path must not pay for and which would not match the exact
 * buckets of {@code /api/metrics} (docs/DEPLOYMENT.md).
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
            Metadata metadata = Metadata.builder().withName(figure.metricName).withDescription(figure.help).build();
            if (figure.type == Figure.Type.COUNTER) {
                Counter counter = metrics.counter(metadata);
                figures.tally(figure).mirrorTo(counter::inc);
            } else {
                metrics.gauge(metadata, () -> figure.value(sources));
            }
        }
        Metadata failures = Metadata.builder().withName(Figure.HANDSHAKE_FAILURES)
                .withDescription(Figure.HANDSHAKE_FAILURES_HELP).build();
        for (ErrorCode code : ErrorCode.HANDSHAKE) {
            Counter counter = metrics.counter(failures, new Tag("code", code.wire()));
            figures.handshakeFailuresTally(code).mirrorTo(counter::inc);
        }
    }
}
