package io.roomcast.room;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Deployments;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.Rooms;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The room caps of PROTOCOL 12: 2 rooms per connection, 3 rooms with members on the server. */
class RoomLimitsIT extends DeployedRoomcast {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.roomcast(Map.of("roomcast.limits.rooms-per-connection", "2", "roomcast.limits.rooms", "3",
                "roomcast.heartbeat.interval", "30", "roomcast.heartbeat.timeout", "75"));
    }

    @BeforeEach
    void nothingLeftByTheTestBefore() {
        await().atMost(Duration.ofSeconds(15)).until(() -> server.status().getJsonArray("rooms").isEmpty()
                && server.connections() == 0);
    }

    private WsClient json() throws Exception {
        WsClient client = WsClient.connect(server.ws("ws/realtime"));
        client.awaitJson(type("welcome"));
        return client;
    }

    private static JsonObject join(WsClient client, int room, String ref) throws Exception {
        client.send("{\"type\":\"join\",\"room\":" + room + ",\"ref\":\"" + ref + "\"}");
        return client.nextJson();
    }

    private static void assertTooManyRooms(JsonObject frame, String ref) {
        assertThat(frame.getString("type")).isEqualTo("error");
        assertThat(frame.getString("code")).isEqualTo("too_many_rooms");
        assertThat(frame.getString("ref")).isEqualTo(ref);
    }

    private static void fence(WsClient client) throws Exception {
        client.send("{\"type\":\"ping\"}");
        assertThat(client.nextJson().getString("type")).as("nothing before the pong").isEqualTo("pong");
    }

    @Test
    void aJoinBeyondTheRoomsPerConnectionIsTooManyRoomsAndJoinsNothing() throws Exception {
        try (WsClient alice = json()) {
            assertThat(join(alice, 1001, "a").getString("type")).isEqualTo("joined");
            assertThat(join(alice, 1002, "b").getString("type")).isEqualTo("joined");
            assertTooManyRooms(join(alice, 1003, "c"), "c");
            assertThat(Rooms.membersOf(server, 1003)).isZero();
            // rejoining a room already joined is not a new room
            assertThat(join(alice, 1002, "d").getString("type")).isEqualTo("joined");
            alice.send("{\"type\":\"leave\",\"room\":1001}");
            assertThat(alice.nextJson().getString("type")).isEqualTo("left");
            assertThat(join(alice, 1003, "e").getString("type")).isEqualTo("joined");
            fence(alice);
        }
    }

    @Test
    void aJoinThatWouldCreateARoomBeyondTheCapIsTooManyRoomsWhileExistingRoomsStayOpen() throws Exception {
        try (WsClient alice = json(); WsClient bob = json()) {
            join(alice, 2001, "a1");
            join(alice, 2002, "a2");
            join(bob, 2003, "b1");
            assertTooManyRooms(join(bob, 2004, "b2"), "b2");
            JsonObject joined = join(bob, 2001, "b3");
            assertThat(joined.getString("type")).isEqualTo("joined");
            assertThat(joined.getInt("members")).isEqualTo(2);
            assertThat(server.status().getJsonArray("rooms")).hasSize(3);
            fence(bob);
        }
    }

    /**
     * PROTOCOL 13.3: a join refused for the room cap or the connection's cap (with {@code since} or not)
     * creates no stream: the room reads as none over HTTP, and {@code roomcast_streams} counts only the
     * joins that succeeded.
     */
    @Test
    void aRefusedJoinLeavesNoStreamBehind() throws Exception {
        long streams = server.metric("roomcast_streams");
        try (WsClient alice = json(); WsClient bob = json()) {
            join(alice, 4001, "a1");
            join(alice, 4002, "a2");
            assertTooManyRooms(join(alice, 4003, "a3"), "a3");
            alice.send("{\"type\":\"join\",\"room\":4003,\"since\":{\"epoch\":\"e\",\"offset\":3},\"ref\":\"a4\"}");
            assertTooManyRooms(alice.nextJson(), "a4");
            join(bob, 4004, "b1");
            bob.send("{\"type\":\"join\",\"room\":4005,\"since\":{\"epoch\":\"e\",\"offset\":3},\"ref\":\"b2\"}");
            assertTooManyRooms(bob.nextJson(), "b2");
            fence(alice);
            fence(bob);
            assertThat(server.metric("roomcast_streams")).as("4001, 4002 and 4004").isEqualTo(streams + 3);
            for (int room : new int[] {4003, 4005}) {
                HttpResponse<String> page = server.get("api/rooms/" + room + "/history",
                        Map.of("Authorization", "Bearer " + TestTokens.valid("reader")));
                assertThat(page.body()).isEqualTo("{\"room\":" + room
                        + ",\"epoch\":null,\"offset\":0,\"messages\":[],\"complete\":true}");
            }
            assertThat(server.metric("roomcast_streams")).isEqualTo(streams + 3);
        }
    }

    @Test
    void aChatConnectThatWouldCreateARoomBeyondTheCapIs429TooManyRooms() throws Exception {
        try (WsClient alice = json()) {
            join(alice, 3001, "a1");
            join(alice, 3002, "a2");
            try (WsClient third = WsClient.connect(server.ws("ws/chat/3003"))) {
                Rooms.awaitMembers(server, 3003, 1);
                RawWebSocket.Handshake refused = RawWebSocket.handshake(server.ws("ws/chat/3004"), Map.of());
                assertThat(refused.status()).as("body %s", refused.body()).isEqualTo(429);
                assertThat(WsClient.parse(refused.body()).getString("error")).isEqualTo("too_many_rooms");
                // an existing room can still be entered
                try (WsClient fourth = WsClient.connect(server.ws("ws/chat/3001"))) {
                    Rooms.awaitMembers(server, 3001, 2);
                }
            }
        }
    }

    /**
     * Many chat connects to new rooms at once: the handshake's check is only a hint, since several can
     * pass it for the last slots; the join on open decides, and the others are closed 1013.
     */
    @Test
    void concurrentChatConnectsToNewRoomsNeverPassTheCap() throws Exception {
        int connects = 20;
        ExecutorService pool = Executors.newFixedThreadPool(connects);
        List<Future<RawWebSocket.Handshake>> answers = new ArrayList<>();
        for (int i = 0; i < connects; i++) {
            int room = 4001 + i;
            answers.add(pool.submit(() -> RawWebSocket.handshake(server.ws("ws/chat/" + room), Map.of())));
        }
        pool.shutdown();
        Map<Integer, RawWebSocket> opened = new java.util.HashMap<>();
        try {
            int refused = 0;
            for (int i = 0; i < connects; i++) {
                RawWebSocket.Handshake handshake = answers.get(i).get();
                if (handshake.status() == 101) {
                    opened.put(4001 + i, handshake.socket());
                } else {
                    assertThat(handshake.status()).isEqualTo(429);
                    assertThat(WsClient.parse(handshake.body()).getString("error")).isEqualTo("too_many_rooms");
                    refused++;
                }
            }
            assertThat(refused + opened.size()).isEqualTo(connects);
            await().atMost(Duration.ofSeconds(15)).until(() -> server.connections() == 3);
            Set<Integer> rooms = server.status().getJsonArray("rooms").getValuesAs(JsonObject.class).stream()
                    .map(r -> r.getInt("room")).collect(Collectors.toSet());
            assertThat(rooms).hasSize(3);
            assertThat(opened.keySet()).containsAll(rooms);
            for (Map.Entry<Integer, RawWebSocket> socket : opened.entrySet()) {
                if (!rooms.contains(socket.getKey())) {
                    // passed the handshake, found no slot left on open
                    RawWebSocket.Frame close = socket.getValue().awaitClose(Duration.ofSeconds(10));
                    assertThat(close.closeCode()).isEqualTo(1013);
                    assertThat(new String(close.payload(), 2, close.payload().length - 2, StandardCharsets.UTF_8))
                            .isEqualTo("too many rooms");
                }
            }
        } finally {
            for (RawWebSocket socket : opened.values()) {
                socket.close();
            }
        }
    }
}
