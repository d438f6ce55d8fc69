package io.roomcast.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.ProfileSettings;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.Rooms;
import io.roomcast.testsupport.Server;
import io.roomcast.testsupport.TargetServer;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /ws/chat/{roomId}} against a real Payara Micro (PROTOCOL 3.1 and 5). */
@RoomcastServer(Profile.DEV_MODE_FORWARDED)
class ChatEndpointIT extends DeployedRoomcast {

    private static final RoomcastSettings SETTINGS = ProfileSettings.of(Profile.DEV_MODE_FORWARDED);
    static final int MAX_TEXT = SETTINGS.maxTextBytes();
    static final int MAX_BINARY = SETTINGS.maxBinaryBytes();

    @Test
    void textIsBroadcastToEveryMemberIncludingTheSenderAndToNoOtherRoom() throws Exception {
        try (WsClient alice = WsClient.connect(server.ws("ws/chat/101"));
             WsClient bob = WsClient.connect(server.ws("ws/chat/101"));
             WsClient other = WsClient.connect(server.ws("ws/chat/102"))) {
            awaitMembers(101, 2);
            alice.send("hello");
            assertThat(alice.nextText()).isEqualTo("Room 101: hello");
            assertThat(bob.nextText()).isEqualTo("Room 101: hello");
            bob.send("hi alice");
            assertThat(alice.nextText()).isEqualTo("Room 101: hi alice");
            assertThat(bob.nextText()).isEqualTo("Room 101: hi alice");
            assertThat(other.linesBeforeEcho(102)).isEmpty();
        }
    }

    @Test
    void binaryFramesAreRelayedUnchangedToEveryChatMember() throws Exception {
        try (WsClient alice = WsClient.connect(server.ws("ws/chat/103"));
             WsClient bob = WsClient.connect(server.ws("ws/chat/103"))) {
            awaitMembers(103, 2);
            byte[] payload = {0, 1, 2, (byte) 0xFF, 42};
            alice.sendBinary(payload);
            assertThat(bytes(alice.nextBinary())).containsExactly(payload);
            assertThat(bytes(bob.nextBinary())).containsExactly(payload);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "abc", "2147483648", "7.0", "99999999999999999999"})
    void invalidRoomIdsAreRefusedWith400BeforeTheUpgrade(String roomId) throws Exception {
        RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("ws/chat/" + roomId), Map.of());
        assertThat(answer.status()).isEqualTo(400);
        JsonObject body = WsClient.parse(answer.body());
        assertThat(body.getString("error")).isEqualTo("invalid_parameter");
        assertThat(body.getString("message")).isNotBlank();
    }

    @Test
    void theLargestValidRoomIdIsAccepted() throws Exception {
        try (WsClient client = WsClient.connect(server.ws("ws/chat/2147483647"))) {
            client.send("edge");
            assertThat(client.nextText()).isEqualTo("Room 2147483647: edge");
        }
    }

    @Test
    void anOversizedTextFrameClosesWith1009AndLeavesNoSessionBehind() throws Exception {
        try (WsClient client = WsClient.connect(server.ws("ws/chat/104"))) {
            awaitMembers(104, 1);
            client.sendRefused("x".repeat(MAX_TEXT + 1));
            CloseReason reason = client.awaitClose(WsClient.WAIT);
            assertThat(reason.getCloseCode().getCode()).isEqualTo(1009);
        }
        awaitMembers(104, 0);
    }

    @Test
    void anOversizedBinaryFrameClosesWith1009() throws Exception {
        try (WsClient client = WsClient.connect(server.ws("ws/chat/105"))) {
            client.sendRefused(new byte[MAX_BINARY + 1]);
            assertThat(client.awaitClose(WsClient.WAIT).getCloseCode().getCode()).isEqualTo(1009);
        }
    }

    @Test
    void closingLeavesTheRoom() throws Exception {
        WsClient client = WsClient.connect(server.ws("ws/chat/106"));
        awaitMembers(106, 1);
        client.close();
        awaitMembers(106, 0);
    }

    /**
     * RFC 6455 wants 1002 here. Tyrus (Payara) tolerates unmasked client frames, which the
     * application cannot see, so on Payara the silent peer ends by heartbeat timeout instead; either
     * way no session survives (docs/PROTOCOL.md, "Known deviations"). Undertow (WildFly) refuses the
     * frame with 1002 before the application hears of the error (1003 up to WildFly 38, whose Undertow
     * had the two codes swapped: UNDERTOW-2520, fixed in the Undertow of WildFly 39).
     */
    @Test
    void anUnmaskedClientFrameLeavesNoSessionBehind() throws Exception {
        RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("ws/chat/107"), Map.of());
        try (RawWebSocket raw = answer.socket()) {
            awaitMembers(107, 1);
            raw.sendFrame(RawWebSocket.TEXT, "unmasked".getBytes(java.nio.charset.StandardCharsets.UTF_8), false, true);
            RawWebSocket.Frame close = raw.awaitCloseOrEnd(Duration.ofSeconds(15));
            if (close != null) {
                if (TargetServer.isWildFly()) {
                    assertThat(close.closeCode()).isEqualTo(1002);
                } else {
                    assertThat(close.closeCode()).isIn(1002, 1001);
                }
            }
        }
        awaitMembers(107, 0);
    }

    @Test
    void invalidUtf8InATextFrameClosesWith1007AndLeavesNoSessionBehind() throws Exception {
        RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("ws/chat/108"), Map.of());
        try (RawWebSocket raw = answer.socket()) {
            awaitMembers(108, 1);
            raw.sendFrame(RawWebSocket.TEXT, new byte[] {(byte) 0xC3, (byte) 0x28}, true, true);
            RawWebSocket.Frame close = raw.awaitCloseOrEnd(WsClient.WAIT);
            if (close != null) {
                assertThat(close.closeCode()).isEqualTo(1007);
            }
        }
        awaitMembers(108, 0);
    }

    private void awaitMembers(int room, int members) {
        Rooms.awaitMembers(server, room, members);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
