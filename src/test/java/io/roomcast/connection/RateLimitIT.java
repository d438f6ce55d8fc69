package io.roomcast.connection;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.ProfileSettings;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /**
     * On a raw socket, which reads in the thread that floods: the server closes the TCP connection right
     * after its close frame, and a client whose reads and writes run apart (Tyrus) may see the reset of
     * its next write before it has read the close frame, then reports 1006 instead of the server's code.
     */
    @Test
    void abuseThatPersistsForTenSecondsIsClosedWith1008() throws Exception {
        RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("ws/chat/502"), Map.of());
        assertThat(answer.status()).isEqualTo(101);
        try (RawWebSocket chat = answer.socket()) {
            // 50 frames/s, fifty times the rate, until the server closes: a frame, then what came within 20 ms
            RawWebSocket.Frame close = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (close == null && System.nanoTime() < deadline) {
                try {
                    chat.sendText("flood");
                } catch (IOException closedMeanwhile) {
                    close = chat.awaitClose(Duration.ofSeconds(10)); // what the server sent before it closed
                    break;
                }
                RawWebSocket.Frame frame = chat.readFrame(Duration.ofMillis(20));
                while (frame != null && frame.opcode() != RawWebSocket.CLOSE) {
                    frame = chat.readFrame(Duration.ofMillis(1)); // the echoes of the admitted frames
                }
                close = frame;
            }
            assertThat(close).as("closed within 30 s").isNotNull();
            assertThat(close.closeCode()).isEqualTo(1008);
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
