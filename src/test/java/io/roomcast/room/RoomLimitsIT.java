package io.roomcast.room;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.ProfileSettings;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.RoomcastServer;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The room caps of PROTOCOL 12: 2 rooms per connection, 3 rooms with members on the server
 * ({@link Profile#SMALL_BOUNDS}; the steps of each test are written for these two figures).
 */
@RoomcastServer(Profile.SMALL_BOUNDS)
class RoomLimitsIT extends DeployedRoomcast {

    /** Rooms with members on the server at most. */
    private static final int ROOMS = ProfileSettings.of(Profile.SMALL_BOUNDS).roomsTotal();

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
            assertThat(join(alice, 14101, "a").getString("type")).isEqualTo("joined");
            assertThat(join(alice, 14102, "b").getString("type")).isEqualTo("joined");
            assertTooManyRooms(join(alice, 14103, "c"), "c");
            assertThat(Rooms.membersOf(server, 14103)).isZero();
            // rejoining a room already joined is not a new room
            assertThat(join(alice, 14102, "d").getString("type")).isEqualTo("joined");
            alice.send("{\"type\":\"leave\",\"room\":14101}");
            assertThat(alice.nextJson().getString("type")).isEqualTo("left");
            assertThat(join(alice, 14103, "e").getString("type")).isEqualTo("joined");
            fence(alice);
        }
    }

    @Test
    void aJoinThatWouldCreateARoomBeyondTheCapIsTooManyRoomsWhileExistingRoomsStayOpen() throws Exception {
        try (WsClient alice = json(); WsClient bob = json()) {
            join(alice, 14201, "a1");
            join(alice, 14202, "a2");
            join(bob, 14203, "b1");
            assertTooManyRooms(join(bob, 14204, "b2"), "b2");
            JsonObject joined = join(bob, 14201, "b3");
            assertThat(joined.getString("type")).isEqualTo("joined");
            assertThat(joined.getInt("members")).isEqualTo(2);
            assertThat(server.status().getJsonArray("rooms")).hasSize(ROOMS);
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
            join(alice, 14401, "a1");
            join(alice, 14402, "a2");
            assertTooManyRooms(join(alice, 14403, "a3"), "a3");
            alice.send("{\"type\":\"join\",\"room\":14403,\"since\":{\"epoch\":\"e\",\"offset\":3},\"ref\":\"a4\"}");
            assertTooManyRooms(alice.nextJson(), "a4");
            join(bob, 14404, "b1");
            bob.send("{\"type\":\"join\",\"room\":14405,\"since\":{\"epoch\":\"e\",\"offset\":3},\"ref\":\"b2\"}");
            assertTooManyRooms(bob.nextJson(), "b2");
            fence(alice);
            fence(bob);
            assertThat(server.metric("roomcast_streams")).as("14401, 14402 and 14404").isEqualTo(streams + 3);
            for (int room : new int[] {14403, 14405}) {
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
            join(alice, 14301, "a1");
            join(alice, 14302, "a2");
            try (WsClient third = WsClient.connect(server.ws("ws/chat/14303"))) {
                Rooms.awaitMembers(server, 14303, 1);
                RawWebSocket.Handshake refused = RawWebSocket.handshake(server.ws("ws/chat/14304"), Map.of());
                assertThat(refused.status()).as("body %s", refused.body()).isEqualTo(429);
                assertThat(WsClient.parse(refused.body()).getString("error")).isEqualTo("too_many_rooms");
                // an existing room can still be entered
                try (WsClient fourth = WsClient.connect(server.ws("ws/chat/14301"))) {
                    Rooms.awaitMembers(server, 14301, 2);
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
            int room = 14501 + i;
            answers.add(pool.submit(() -> RawWebSocket.handshake(server.ws("ws/chat/" + room), Map.of())));
        }
        pool.shutdown();
        Map<Integer, RawWebSocket> opened = new java.util.HashMap<>();
        try {
            int refused = 0;
            for (int i = 0; i < connects; i++) {
                RawWebSocket.Handshake handshake = answers.get(i).get();
                if (handshake.status() == 101) {
                    opened.put(14501 + i, handshake.socket());
                } else {
                    assertThat(handshake.status()).isEqualTo(429);
                    assertThat(WsClient.parse(handshake.body()).getString("error")).isEqualTo("too_many_rooms");
                    refused++;
                }
            }
            assertThat(refused + opened.size()).isEqualTo(connects);
            await().atMost(Duration.ofSeconds(15)).until(() -> server.connections() == ROOMS);
            Set<Integer> rooms = server.status().getJsonArray("rooms").getValuesAs(JsonObject.class).stream()
                    .map(r -> r.getInt("room")).collect(Collectors.toSet());
            assertThat(rooms).hasSize(ROOMS);
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
