package io.roomcast.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.protocol.ErrorCode;
import io.roomcast.testsupport.PrometheusText;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetricsResourceTest {

    @Test
    void everyFigureIsWrittenWithItsTypeAndHandshakeFailuresCarryTheirCode() {
        RoomcastMetrics figures = new RoomcastMetrics();
        figures.messageIn();
        figures.messagesOut(3);
        figures.slowConsumerClosed();
        figures.handshakeFailed(ErrorCode.FORBIDDEN_ORIGIN);
        figures.handshakeFailed(ErrorCode.FORBIDDEN_ORIGIN);

        String text = MetricsResource.format(5, 2, 0, 0, figures);

        assertThat(text).contains("# TYPE roomcast_connections gauge\nroomcast_connections 5\n")
                .contains("# TYPE roomcast_rooms gauge\nroomcast_rooms 2\n")
                .contains("# TYPE roomcast_messages_in_total counter\nroomcast_messages_in_total 1\n")
                .contains("roomcast_messages_out_total 3\n")
                .contains("roomcast_heartbeat_timeouts_total 0\n")
                .contains("roomcast_slow_consumer_closes_total 1\n")
                .contains("# TYPE roomcast_handshake_failures_total counter\n")
                .contains("roomcast_handshake_failures_total{code=\"forbidden_origin\"} 2\n")
                .contains("roomcast_handshake_failures_total{code=\"invalid_parameter\"} 0\n")
                .doesNotContain("code=\"invalid_json\"")
                .endsWith("\n");
    }

    @Test
    void clusterEventsDroppedFromAFullBacklogAreCounted() {
        RoomcastMetrics figures = new RoomcastMetrics();
        figures.clusterEventDropped();
        figures.clusterEventDropped();

        assertThat(MetricsResource.format(0, 0, 0, 0, figures))
                .contains("# TYPE roomcast_cluster_dropped_total counter\nroomcast_cluster_dropped_total 2\n");
    }

    @Test
    void clusterMessagesRejectedForTheirSealAreCounted() {
        RoomcastMetrics figures = new RoomcastMetrics();
        figures.clusterMessageRejected();

        assertThat(MetricsResource.format(0, 0, 0, 0, figures))
                .contains("# TYPE roomcast_cluster_rejected_total counter\nroomcast_cluster_rejected_total 1\n");
    }

    @Test
    void sessionsOnTheServersOwnSendPathAreCounted() {
        RoomcastMetrics figures = new RoomcastMetrics();
        figures.directSendSessionOpened();

        assertThat(MetricsResource.format(0, 0, 0, 0, figures))
                .contains("# TYPE roomcast_direct_send_sessions_total counter\nroomcast_direct_send_sessions_total 1\n");
    }

    @Test
    void theBytesAndStreamsOfRoomHistoryAreGauges() {
        assertThat(MetricsResource.format(0, 0, 4096, 3, new RoomcastMetrics()))
                .contains("# TYPE roomcast_history_bytes gauge\nroomcast_history_bytes 4096\n")
                .contains("# TYPE roomcast_streams gauge\nroomcast_streams 3\n");
    }

    @Test
    void theTextIsStrictPrometheusTextWithEveryHistogramsBucketsSumAndCount() {
        RoomcastMetrics figures = new RoomcastMetrics();
        figures.publishAcked(300_000);
        figures.queued(1);
        figures.queued(3);
        figures.handshakeDecided(2_000_000);
        figures.recovered(3);

        PrometheusText text = PrometheusText.parse(MetricsResource.format(1, 1, 0, 0, figures));

        PrometheusText.Family ack = text.family("roomcast_publish_ack_seconds");
        assertThat(ack.type()).isEqualTo("histogram");
        assertThat(ack.value("roomcast_publish_ack_seconds_bucket", Map.of("le", "0.00025"), Set.of())).isZero();
        assertThat(ack.value("roomcast_publish_ack_seconds_bucket", Map.of("le", "0.0005"), Set.of())).isEqualTo(1);
        assertThat(ack.value("roomcast_publish_ack_seconds_bucket", Map.of("le", "+Inf"), Set.of())).isEqualTo(1);
        assertThat(ack.value("roomcast_publish_ack_seconds_sum", Map.of(), Set.of())).isEqualTo(0.0003);
        PrometheusText.Family depth = text.family("roomcast_send_queue_depth");
        assertThat(depth.value("roomcast_send_queue_depth_bucket", Map.of("le", "2"), Set.of())).isEqualTo(1);
        assertThat(depth.value("roomcast_send_queue_depth_bucket", Map.of("le", "4"), Set.of())).isEqualTo(2);
        assertThat(depth.value("roomcast_send_queue_depth_sum", Map.of(), Set.of())).isEqualTo(4);
        assertThat(text.family("roomcast_handshake_seconds")
                .value("roomcast_handshake_seconds_bucket", Map.of("le", "0.0025"), Set.of())).isEqualTo(1);
        PrometheusText.Family recovery = text.family("roomcast_recovery_messages");
        assertThat(recovery.value("roomcast_recovery_messages_bucket", Map.of("le", "1"), Set.of())).isZero();
        assertThat(recovery.value("roomcast_recovery_messages_bucket", Map.of("le", "10"), Set.of())).isEqualTo(1);
        assertThat(recovery.value("roomcast_recovery_messages_count", Map.of(), Set.of())).isEqualTo(1);
        assertThat(recovery.value("roomcast_recovery_messages_sum", Map.of(), Set.of())).isEqualTo(3);
    }

    @Test
    void everyDocumentedFigureIsWrittenWithItsDocumentedType() throws Exception {
        PrometheusText text = PrometheusText.parse(MetricsResource.format(0, 0, 0, 0, new RoomcastMetrics()));
        for (MetricsIT.Documented figure : MetricsIT.documented()) {
            assertThat(text.family(figure.name()).type()).as(figure.name()).isEqualTo(figure.type());
        }
        assertThat(text.families()).hasSameSizeAs(MetricsIT.documented());
    }

    @Test
    void countsReachTheMicroProfileCounterTheyAreMirroredTo() {
        RoomcastMetrics figures = new RoomcastMetrics();
        long[] mirrored = new long[1];
        figures.tally(Figure.MESSAGES_OUT).mirrorTo(n -> mirrored[0] += n);

        figures.messagesOut(3);
        figures.messagesOut(2);

        assertThat(mirrored[0]).isEqualTo(5);
        assertThat(figures.messagesOut()).isEqualTo(5);
    }
}
