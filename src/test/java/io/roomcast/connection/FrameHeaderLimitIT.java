package io.roomcast.connection;

import static io.roomcast.testsupport.WsClient.type;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A frame whose header declares more than the size limits (PROTOCOL 5) is refused from its header:
 * close 1009 at once, before any payload, and no session left behind. (Without the guard both
 * servers waited for the declared payload until the heartbeat timeout, here 30 s.)
 */
class FrameHeaderLimitIT extends DeployedRoomcast {

    static final int MAX_TEXT = 1000;
    static final int MAX_BINARY = 2000;
    /** Well under the heartbeat timeout: a close within it is the guard's, not the heartbeat's. */
    static final Duration PROMPTLY = Duration.ofSeconds(10);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.roomcast(Map.of("roomcast.limits.max-text", String.valueOf(MAX_TEXT),
                "roomcast.limits.max-binary", String.valueOf(MAX_BINARY),
                "roomcast.heartbeat.interval", "10", "roomcast.heartbeat.timeout", "30"));
    }

    @AfterEach
    void noSessionIsLeftBehind() {
        Rooms.awaitConnections(server, 0);
    }

    private RawWebSocket open(String path) throws Exception {
        RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws(path), Map.of());
        assertThat(answer.status()).isEqualTo(101);
        return answer.socket();
    }

    private static void assertClosedWith1009(RawWebSocket socket) throws Exception {
        RawWebSocket.Frame close = socket.awaitClose(PROMPTLY);
        assertThat(close.closeCode()).isEqualTo(1009);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws/chat/801", "ws/realtime"})
    void aHeaderDeclaring2To62BytesClosesWith1009AtOnce(String path) throws Exception {
        try (RawWebSocket socket = open(path)) {
            Rooms.awaitConnections(server, 1);
            socket.sendHeaderOnly(RawWebSocket.BINARY, 1L << 62, true);
            assertClosedWith1009(socket);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws/chat/802", "ws/realtime"})
    void aTextHeaderOneByteOverMaxTextFollowedByNothingClosesWith1009(String path) throws Exception {
        try (RawWebSocket socket = open(path)) {
            Rooms.awaitConnections(server, 1);
            socket.sendHeaderOnly(RawWebSocket.TEXT, MAX_TEXT + 1, true);
            assertClosedWith1009(socket);
        }
    }

    @Test
    void aBinaryHeaderOneByteOverMaxBinaryClosesWith1009() throws Exception {
        try (RawWebSocket socket = open("ws/chat/803")) {
            Rooms.awaitConnections(server, 1);
            socket.sendHeaderOnly(RawWebSocket.BINARY, MAX_BINARY + 1, true);
            assertClosedWith1009(socket);
        }
    }

    @Test
    void aFragmentedMessageOverMaxTextClosesWith1009AtTheFrameThatCrossesIt() throws Exception {
        try (RawWebSocket socket = open("ws/chat/804")) {
            Rooms.awaitConnections(server, 1);
            socket.sendFrame(RawWebSocket.TEXT, "x".repeat(MAX_TEXT - 10).getBytes(), true, false);
            socket.sendHeaderOnly(0x0, 11, true);
            assertClosedWith1009(socket);
        }
    }

    @Test
    void framesUpToTheLimitsStillPass() throws Exception {
        try (WsClient chat = WsClient.connect(server.ws("ws/chat/805"))) {
            chat.send("y".repeat(MAX_TEXT));
            assertThat(chat.nextText()).isEqualTo("Room 805: " + "y".repeat(MAX_TEXT));
            chat.sendBinary(new byte[MAX_BINARY]);
            assertThat(chat.nextBinary().remaining()).isEqualTo(MAX_BINARY);
        }
        try (WsClient json = WsClient.connect(server.ws("ws/realtime"))) {
            json.awaitJson(type("welcome"));
            json.send("{\"type\":\"ping\"}");
            json.awaitJson(type("pong"));
        }
    }
}
