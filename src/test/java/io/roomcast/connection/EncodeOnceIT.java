package io.roomcast.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.Rooms;
import io.roomcast.testsupport.WsClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A room message is encoded once and the same bytes are written to every member, several queued
 * frames in one write (platform.SendPath): payloads at each of RFC 6455's length encodings (7, 16 and
 * 64 bits), multi-byte UTF-8, binary relays, and a burst that queues up behind the first write arrive
 * intact and in order at every member, read by the Tyrus client and by a raw socket.
 * ({@link Profile#EXPIRING_HISTORY}: texts up to 100,000 bytes, heartbeats every second, rates out of
 * the way: two guests of one address send 700 frames at once, above the rate they would share by
 * default, PROTOCOL 13.5.)
 */
@RoomcastServer(Profile.EXPIRING_HISTORY)
class EncodeOnceIT extends DeployedRoomcast {

    private static final String PREFIX = "Room 401: "; // 10 bytes before the sender's text
    private static final String MULTI_BYTE = "héllo € 𝄞 Здравствуйте 你好 ";

    /** The next data frame on the raw socket (the server's pings are skipped). */
    private static RawWebSocket.Frame nextData(RawWebSocket raw) throws Exception {
        while (true) {
            RawWebSocket.Frame frame = raw.readFrame(WsClient.WAIT);
            assertThat(frame).as("a data frame").isNotNull();
            if (frame.opcode() != RawWebSocket.PING) {
                return frame;
            }
        }
    }

    private static String textOfUtf8Length(String unit, int bytes) {
        StringBuilder text = new StringBuilder();
        while (text.toString().getBytes(StandardCharsets.UTF_8).length + unit.getBytes(StandardCharsets.UTF_8).length <= bytes) {
            text.append(unit);
        }
        while (text.toString().getBytes(StandardCharsets.UTF_8).length < bytes) {
            text.append('x');
        }
        return text.toString();
    }

    @Test
    void sessionsOnPayaraAndWildFlyTakeTheServersOwnSendPath() throws Exception {
        long before = server.metric("roomcast_direct_send_sessions_total");
        try (WsClient alice = WsClient.connect(server.ws("ws/chat/400"));
             WsClient bob = WsClient.connect(server.ws("ws/chat/400"))) {
            Rooms.awaitMembers(server, 400, 2);
            assertThat(server.metric("roomcast_direct_send_sessions_total") - before)
                    .as("sessions given the server's own writer (else the probe fell back to RemoteEndpoint.Async)")
                    .isEqualTo(2);
            alice.send("hello");
            assertThat(bob.nextText()).isEqualTo("Room 400: hello");
        }
    }

    @Test
    void theHeartbeatPingIsAnEmptyPingFrameAndItsPongsKeepTheSessionAlive() throws Exception {
        RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("ws/chat/403"), Map.of());
        assertThat(answer.status()).isEqualTo(101);
        try (RawWebSocket raw = answer.socket()) {
            Rooms.awaitMembers(server, 403, 1);
            for (int round = 0; round < 2; round++) {
                RawWebSocket.Frame ping = raw.readFrame(WsClient.WAIT);
                assertThat(ping).as("heartbeat %d", round).isNotNull();
                assertThat(ping.opcode()).isEqualTo(RawWebSocket.PING);
                assertThat(ping.payload()).isEmpty();
                raw.sendFrame(RawWebSocket.PONG, ping.payload(), true, true);
            }
            // The frames after the pings are read in step: the ping frames were whole, nothing more.
            raw.sendText("still here");
            assertThat(nextData(raw).text()).isEqualTo("Room 403: still here");
        }
    }

    @Test
    void textsAtEachLengthEncodingAndInMultiByteUtf8ArriveIntactAtEveryMember() throws Exception {
        RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("ws/chat/401"), Map.of());
        assertThat(answer.status()).isEqualTo(101);
        try (RawWebSocket raw = answer.socket();
             WsClient alice = WsClient.connect(server.ws("ws/chat/401"));
             WsClient bob = WsClient.connect(server.ws("ws/chat/401"))) {
            Rooms.awaitMembers(server, 401, 3);
            List<String> sent = new ArrayList<>();
            // Frame payloads (with the prefix) of 125, 126, 65535, 65536 and 70000 bytes.
            for (int payload : new int[] {125, 126, 65_535, 65_536, 70_000}) {
                sent.add("x".repeat(payload - PREFIX.length()));
            }
            sent.add(MULTI_BYTE);
            sent.add(textOfUtf8Length(MULTI_BYTE, 70_000));
            for (String text : sent) {
                alice.send(text);
                String expected = PREFIX + text;
                assertThat(alice.nextText()).isEqualTo(expected);
                assertThat(bob.nextText()).isEqualTo(expected);
                RawWebSocket.Frame frame = nextData(raw);
                assertThat(frame.opcode()).isEqualTo(RawWebSocket.TEXT);
                assertThat(frame.payload()).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void aLargeBinaryRelayArrivesIntactAtEveryMember() throws Exception {
        RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("ws/chat/402"), Map.of());
        assertThat(answer.status()).isEqualTo(101);
        try (RawWebSocket raw = answer.socket();
             WsClient alice = WsClient.connect(server.ws("ws/chat/402"));
             WsClient bob = WsClient.connect(server.ws("ws/chat/402"))) {
            Rooms.awaitMembers(server, 402, 3);
            byte[] payload = new byte[70_000];
            new Random(42).nextBytes(payload);
            alice.sendBinary(payload);
            assertThat(bytes(alice.nextBinary())).isEqualTo(payload);
            assertThat(bytes(bob.nextBinary())).isEqualTo(payload);
            RawWebSocket.Frame frame = nextData(raw);
            assertThat(frame.opcode()).isEqualTo(RawWebSocket.BINARY);
            assertThat(frame.payload()).isEqualTo(payload);
        }
    }

    @Test
    void aBurstArrivesCompleteAndInOrderAtEveryMember() throws Exception {
        RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("ws/chat/403"), Map.of());
        assertThat(answer.status()).isEqualTo(101);
        try (RawWebSocket raw = answer.socket();
             WsClient alice = WsClient.connect(server.ws("ws/chat/403"));
             WsClient bob = WsClient.connect(server.ws("ws/chat/403"));
             WsClient carol = WsClient.connect(server.ws("ws/chat/403"))) {
            Rooms.awaitMembers(server, 403, 4);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                // small frames, which the server writes several at a time, and a few larger ones between them
                String text = i + " " + (i % 50 == 0 ? "y".repeat(20_000) : MULTI_BYTE.repeat(i % 4));
                expected.add("Room 403: " + text);
            }
            // Two senders, so deliveries queue up behind each member's write in progress.
            Thread second = new Thread(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        carol.send("carol " + i);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            second.start();
            for (String text : expected) {
                alice.send(text.substring("Room 403: ".length()));
            }
            second.join();

            for (WsClient member : List.of(alice, bob, carol)) {
                assertInOrder(readTexts(member::nextText, 700), expected);
            }
            List<String> rawTexts = new ArrayList<>();
            for (int i = 0; i < 700; i++) {
                RawWebSocket.Frame frame = nextData(raw);
                assertThat(frame.opcode()).isEqualTo(RawWebSocket.TEXT);
                rawTexts.add(frame.text());
            }
            assertInOrder(rawTexts, expected);
        }
    }

    private interface Next {
        String text() throws Exception;
    }

    private static List<String> readTexts(Next next, int count) throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            texts.add(next.text());
        }
        return texts;
    }

    /** Every text of each sender, in the order it sent them (the two senders' texts interleave). */
    private static void assertInOrder(List<String> received, List<String> fromAlice) {
        List<String> carol = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            carol.add("Room 403: carol " + i);
        }
        assertThat(received.stream().filter(t -> !t.startsWith("Room 403: carol ")).toList()).isEqualTo(fromAlice);
        assertThat(received.stream().filter(t -> t.startsWith("Room 403: carol ")).toList()).isEqualTo(carol);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
