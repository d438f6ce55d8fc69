package io.roomcast.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.protocol.ErrorCode;
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
}
