package io.roomcast.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Deployments;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.Rooms;
import io.roomcast.testsupport.WsClient;
import java.time.Duration;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/** A member that stops reading is dropped with 1013 and never delays the others (PROTOCOL 5). */
class SlowConsumerIT extends DeployedRoomcast {

    private static final int MESSAGES = 3000;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.roomcast(Map.of(
                "roomcast.limits.send-queue", "16",
                "roomcast.limits.rate", "100000",
                "roomcast.limits.burst", "100000",
                "roomcast.limits.user-rate", "100000",
                "roomcast.limits.user-burst", "100000",
                // long enough that the slow member is dropped for its queue, not for silence
                "roomcast.heartbeat.interval", "5",
                "roomcast.heartbeat.timeout", "60"));
    }

    @Test
    void aSlowConsumerIsClosedWith1013WhileAFastMemberReceivesEveryMessage() throws Exception {
        RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("ws/chat/301"), Map.of());
        assertThat(answer.status()).isEqualTo(101);
        try (RawWebSocket slow = answer.socket(); WsClient fast = WsClient.connect(server.ws("ws/chat/301"))) {
            Rooms.awaitMembers(server, 301, 2);
            // 16 KB frames outgrow the socket buffers of the member that does not read; the fast member
            // reads each message before the next is sent, so its own queue never fills.
            String padding = "p".repeat(16_000);
            for (int i = 0; i < MESSAGES; i++) {
                fast.send(i + " " + padding);
                assertThat(fast.nextText()).isEqualTo("Room 301: " + i + " " + padding);
            }
            Rooms.awaitMembers(server, 301, 1);

            // Read what the server managed to write: the connection is released, ending with the 1013
            // close frame when the server could still queue it behind the data the peer never read.
            RawWebSocket.Frame close = slow.awaitCloseOrEnd(Duration.ofSeconds(30));
            if (close != null) {
                assertThat(close.closeCode()).isEqualTo(1013);
            }
            // /api/metrics is served by Roomcast itself on every server (MicroProfile Metrics' /metrics
            // exists on Payara only; HttpApiIT checks it there).
            assertThat(server.get("api/metrics").body()).containsPattern("(?m)^roomcast_slow_consumer_closes_total 1$");
        }
    }
}
