package io.roomcast.connection;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Deployments;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/** The per-connection token bucket (PROTOCOL 5): 5 frames/s, burst 5. */
class RateLimitIT extends DeployedRoomcast {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.roomcast(Map.of("roomcast.limits.rate", "5", "roomcast.limits.burst", "5",
                "roomcast.heartbeat.interval", "30", "roomcast.heartbeat.timeout", "75"));
    }

    @Test
    void framesOverTheRateAreDroppedWithRateLimitedAndTheConnectionStaysOpen() throws Exception {
        try (WsClient client = WsClient.connect(server.ws("ws/realtime"))) {
            client.awaitJson(type("welcome"));
            for (int i = 0; i < 20; i++) {
                client.send("{\"type\":\"ping\",\"ref\":\"p" + i + "\"}");
            }
            List<JsonObject> replies = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                replies.add(client.nextJson());
            }
            long pongs = replies.stream().filter(r -> r.getString("type").equals("pong")).count();
            List<JsonObject> limited = replies.stream().filter(r -> r.getString("type").equals("error")).toList();
            assertThat(pongs).isBetween(5L, 7L); // the burst, plus what refilled while sending
            assertThat(limited).hasSize(20 - (int) pongs).allSatisfy(e -> {
                assertThat(e.getString("code")).isEqualTo("rate_limited");
                assertThat(e.getString("ref")).startsWith("p");
            });
            Thread.sleep(1_200); // let the bucket refill
            client.send("{\"type\":\"ping\"}");
            assertThat(client.nextJson().getString("type")).isEqualTo("pong");
        }
    }

    @Test
    void chatFramesOverTheRateAreDroppedSilently() throws Exception {
        try (WsClient chat = WsClient.connect(server.ws("ws/chat/501"))) {
            for (int i = 0; i < 20; i++) {
                chat.send("m" + i);
            }
            List<String> received = new ArrayList<>();
            for (String text = chat.nextTextOrNull(Duration.ofSeconds(2)); text != null;
                 text = chat.nextTextOrNull(Duration.ofMillis(500))) {
                received.add(text);
            }
            assertThat(received).hasSizeBetween(5, 7).allMatch(t -> t.startsWith("Room 501: m"));
            assertThat(received.get(0)).isEqualTo("Room 501: m0");
        }
    }

    @Test
    void abuseThatPersistsForTenSecondsIsClosedWith1008() throws Exception {
        try (WsClient chat = WsClient.connect(server.ws("ws/chat/502"))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (chat.isOpen() && System.nanoTime() < deadline) {
                try {
                    chat.send("flood");
                } catch (Exception closedMeanwhile) {
                    break;
                }
                Thread.sleep(20); // 50 frames/s, ten times the rate
            }
            CloseReason reason = chat.awaitClose(Duration.ofSeconds(10));
            assertThat(reason.getCloseCode().getCode()).isEqualTo(1008);
        }
    }
}
