package io.roomcast.connection;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.ProfileSettings;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.Rooms;
import io.roomcast.testsupport.WsClient;
import java.time.Duration;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A frame whose header declares more than the size limits (PROTOCOL 5) is refused from its header:
 * close 1009 at once, before any payload, and no session left behind. (Without the guard both
 * servers waited for the declared payload until the heartbeat timeout, here 60 s.) A frame with a
 * reserved bit that no negotiated extension uses is refused from its header too, with 1002 (13.8).
 */
@RoomcastServer(Profile.EXPIRING_HISTORY)
class FrameHeaderLimitIT extends DeployedRoomcast {

    private static final RoomcastSettings SETTINGS = ProfileSettings.of(Profile.EXPIRING_HISTORY);
    /** Below {@link #MAX_BINARY}: a text header over it is refused by the text limit alone. */
    static final int MAX_TEXT = SETTINGS.maxTextBytes();
    static final int MAX_BINARY = SETTINGS.maxBinaryBytes();
    /** Well under the heartbeat timeout: a close within it is the guard's, not the heartbeat's. */
    static final Duration PROMPTLY = Duration.ofSeconds(10);

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
        assertClosedWith(socket, 1009);
    }

    private static void assertClosedWith(RawWebSocket socket, int code) throws Exception {
        RawWebSocket.Frame close = socket.awaitClose(PROMPTLY);
        assertThat(close.closeCode()).isEqualTo(code);
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

    // --- PROTOCOL 13.8: reserved bits ---

    /** Within the limits, and no payload follows: only the header can have been judged. */
    @ParameterizedTest
    @ValueSource(ints = {RawWebSocket.RSV1, RawWebSocket.RSV2, RawWebSocket.RSV3})
    void aReservedBitWithoutANegotiatedExtensionClosesWith1002BeforeThePayload(int reservedBit) throws Exception {
        for (String path : new String[] {"ws/chat/806", "ws/realtime"}) {
            try (RawWebSocket socket = open(path)) {
                Rooms.awaitConnections(server, 1);
                socket.sendHeaderOnly(reservedBit | RawWebSocket.TEXT, MAX_TEXT, true);
                assertClosedWith(socket, 1002);
            }
            Rooms.awaitConnections(server, 0);
        }
    }

    @Test
    void aReservedBitOnAControlFrameClosesWith1002() throws Exception {
        try (RawWebSocket socket = open("ws/realtime")) {
            Rooms.awaitConnections(server, 1);
            socket.sendHeaderOnly(RawWebSocket.RSV1 | RawWebSocket.PING, 4, true);
            assertClosedWith(socket, 1002);
        }
    }

    static LongStream overTheBinaryLimit() {
        return LongStream.of(MAX_BINARY + 1L, 1L << 62, Long.MAX_VALUE);
    }

    @ParameterizedTest
    @MethodSource("overTheBinaryLimit")
    void aDeclaredLengthOverTheLimitWithRsv1ClosesWith1009WhateverTheReservedBits(long declared) throws Exception {
        try (RawWebSocket socket = open("ws/chat/807")) {
            Rooms.awaitConnections(server, 1);
            socket.sendHeaderOnly(RawWebSocket.RSV1 | RawWebSocket.BINARY, declared, true);
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
