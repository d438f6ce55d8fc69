package io.roomcast.connection;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.ProfileSettings;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.websocket.CloseReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-connection token bucket (PROTOCOL 5 and 12) at 1 frame/s, burst 10 ({@link Profile#STREAMS_OFF}):
 * a burst of frames sent within a few milliseconds gets exactly the burst through, since the next token
 * takes a second.
 * The fence that proves nothing else came is itself a data frame, so it is sent again until the
 * bucket has refilled and it is answered.
 */
@RoomcastServer(Profile.STREAMS_OFF)
class RateLimitIT extends DeployedRoomcast {

    private static final int BURST = ProfileSettings.of(Profile.STREAMS_OFF).rateBurst();
    private static final int FRAMES = 5 * BURST;

    @Test
    void framesOverTheRateAreDroppedUnparsedWithOneRateLimitedErrorPerSecond() throws Exception {
        try (WsClient client = WsClient.connect(server.ws("ws/realtime"))) {
            client.awaitJson(type("welcome"));
            for (int i = 0; i < FRAMES; i++) {
                client.send("{\"type\":\"ping\",\"ref\":\"p" + i + "\"}");
            }
            for (int i = 0; i < BURST; i++) {
                assertThat(client.nextJson().getString("type")).as("reply %d", i).isEqualTo("pong");
            }
            JsonObject limited = client.nextJson();
            assertThat(limited.getString("type")).isEqualTo("error");
            assertThat(limited.getString("code")).isEqualTo("rate_limited");
            // the frame was dropped before it was parsed: its ref is not known
            assertThat(limited.get("ref")).isEqualTo(JsonValue.NULL);

            List<JsonObject> beforeFence = pingUntilAnswered(client, "{\"type\":\"ping\"}");
            // the other dropped frames were silent; a refused fence attempt may earn the next second's error
            assertThat(beforeFence).hasSizeLessThanOrEqualTo(1).allSatisfy(frame -> {
                assertThat(frame.getString("type")).isEqualTo("error");
                assertThat(frame.getString("code")).isEqualTo("rate_limited");
            });
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void chatFramesOverTheRateAreDroppedSilently() throws Exception {
        try (WsClient chat = WsClient.connect(server.ws("ws/chat/501"))) {
            for (int i = 0; i < FRAMES; i++) {
                chat.send("m" + i);
            }
            for (int i = 0; i < BURST; i++) {
                assertThat(chat.nextText()).isEqualTo("Room 501: m" + i);
            }
            List<String> beforeFence = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> {
                chat.send("fence");
                for (String text = chat.nextTextOrNull(Duration.ofMillis(200)); text != null;
                     text = chat.nextTextOrNull(Duration.ofMillis(20))) {
                    if (text.equals("Room 501: fence")) {
                        return true;
                    }
                    beforeFence.add(text);
                }
                return false;
            });
            assertThat(beforeFence).as("nothing but the burst and the fence").isEmpty();
        }
    }

    @Test
    void abuseThatPersistsForTenSecondsIsClosedWith1008() throws Exception {
        try (WsClient chat = WsClient.connect(server.ws("ws/chat/502"))) {
            // 50 frames/s, fifty times the rate, until the server closes
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
                try {
                    chat.send("flood");
                } catch (Exception closedMeanwhile) {
                    return true;
                }
                return !chat.isOpen();
            });
            CloseReason reason = chat.awaitClose(Duration.ofSeconds(10));
            assertThat(reason.getCloseCode().getCode()).isEqualTo(1008);
        }
    }

    /**
     * Sends the frame until a pong answers it, once the bucket has a token again; returns the other
     * frames received meanwhile (heartbeats aside).
     */
    private static List<JsonObject> pingUntilAnswered(WsClient client, String ping) {
        List<JsonObject> before = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> {
            client.send(ping);
            for (String text = client.nextTextOrNull(Duration.ofMillis(200)); text != null;
                 text = client.nextTextOrNull(Duration.ofMillis(20))) {
                JsonObject frame = WsClient.parse(text);
                if (type("pong").test(frame)) {
                    return true;
                }
                if (!type("heartbeat").test(frame)) {
                    before.add(frame);
                }
            }
            return false;
        });
        return before;
    }
}
