package io.roomcast.heartbeat;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.Rooms;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Heartbeats, pings and dead peers (PROTOCOL 4), with a 1 s interval and a 4 s timeout. */
@RoomcastServer(Profile.DEV_MODE_FORWARDED)
class LivenessIT extends DeployedRoomcast {

    @Test
    void pingsArriveAndAClientThatStopsAnsweringIsClosedWith1001AndRemoved() throws Exception {
        RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("ws/chat/201"), Map.of());
        assertThat(answer.status()).isEqualTo(101);
        try (RawWebSocket silent = answer.socket()) {
            RawWebSocket.Frame first = silent.readFrame(Duration.ofSeconds(5));
            assertThat(first).isNotNull();
            assertThat(first.opcode()).isEqualTo(RawWebSocket.PING);
            Rooms.awaitMembers(server, 201, 1);

            RawWebSocket.Frame close = silent.awaitClose(Duration.ofSeconds(15));
            assertThat(close.closeCode()).isEqualTo(1001);
            assertThat(new String(close.payload(), 2, close.payload().length - 2)).isEqualTo("heartbeat timeout");
        }
        Rooms.awaitMembers(server, 201, 0);
    }

    @Test
    void aClientThatAnswersPingsStaysConnectedPastTheTimeout() throws Exception {
        try (WsClient client = WsClient.connect(server.ws("ws/chat/202"))) {
            // longer than the 4 s timeout: only the pongs to the server's pings keep it alive
            await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8)).until(client::isOpen);
            client.send("still here");
            assertThat(client.nextText()).isEqualTo("Room 202: still here");
        }
    }

    @Test
    void aPeerThatVanishesWithoutACloseFrameIsRemovedAndTheRoomIsTold() throws Exception {
        try (WsClient watcher = WsClient.connect(server.ws("ws/realtime"))) {
            watcher.awaitJson(type("welcome"));
            watcher.send("{\"type\":\"join\",\"room\":203}");
            watcher.awaitJson(type("joined"));
            RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("ws/chat/203"), Map.of());
            assertThat(answer.status()).isEqualTo(101);
            JsonObject joined = watcher.awaitJson(type("presence"));
            assertThat(joined.getString("event")).isEqualTo("join");
            Rooms.awaitMembers(server, 203, 2);

            answer.socket().abort();

            JsonObject left = watcher.awaitJson(type("presence"));
            assertThat(left.getString("event")).isEqualTo("leave");
            assertThat(left.getString("user")).isEqualTo(joined.getString("user"));
            assertThat(left.getInt("members")).isEqualTo(1);
            Rooms.awaitMembers(server, 203, 1);
        }
    }

    @Test
    void jsonSessionsReceiveHeartbeatsFromTheTimer() throws Exception {
        try (WsClient client = WsClient.connect(server.ws("ws/realtime"))) {
            JsonObject welcome = client.awaitJson(type("welcome"));
            assertThat(welcome.getInt("heartbeatInterval")).isEqualTo(1);
            JsonObject heartbeat = client.awaitJson(type("heartbeat"));
            assertThat(heartbeat.getJsonNumber("timestamp").longValueExact())
                    .isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
        }
    }

    @Test
    void chatSessionsReceiveNoJsonHeartbeats() throws Exception {
        RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("ws/chat/204"), Map.of());
        assertThat(answer.status()).isEqualTo(101);
        try (RawWebSocket chat = answer.socket()) {
            // The timer's round sends a JSON heartbeat and a ping together: two pings are two rounds,
            // and the only frames before them must be pings.
            List<Integer> opcodes = new ArrayList<>();
            while (opcodes.stream().filter(op -> op == RawWebSocket.PING).count() < 2) {
                RawWebSocket.Frame frame = chat.readFrame(Duration.ofSeconds(5));
                assertThat(frame).isNotNull();
                opcodes.add(frame.opcode());
            }
            assertThat(opcodes).containsOnly(RawWebSocket.PING);
        }
    }

    @Test
    void connectionsOpenedInABurstAllStayOpenAndAllReceive() throws Exception {
        // Regression: sessions used to start with an idle timer of 0 that fired at once and closed a
        // few per thousand right after @OnOpen raised the timeout.
        int count = 200;
        List<WsClient> clients = new ArrayList<>();
        ExecutorService connecting = Executors.newFixedThreadPool(16);
        try {
            List<Future<WsClient>> opened = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                opened.add(connecting.submit(() -> WsClient.connect(server.ws("ws/chat/205"))));
            }
            for (Future<WsClient> client : opened) {
                clients.add(client.get());
            }
            Rooms.awaitMembers(server, 205, count);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> clients.stream().allMatch(WsClient::isOpen));
            clients.get(0).send("all here?");
            for (WsClient client : clients) {
                assertThat(client.nextText()).isEqualTo("Room 205: all here?");
            }
        } finally {
            connecting.shutdownNow();
            for (WsClient client : clients) {
                client.close();
            }
        }
        Rooms.awaitMembers(server, 205, 0);
    }
}
