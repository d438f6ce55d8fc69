package io.roomcast.connection;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.ProfileSettings;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.Rooms;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Limits that survive a reconnect (PROTOCOL 13.5 and 13.6): the frame rate all connections of one user
 * (a guest: one address) share, the handshake rate per address, and the room quota per user.
 *
 * <p>The shared rates refill at one token per 100 s, so nothing refills while a test runs and every
 * count is exact. Clients connect through 127.0.0.1, a trusted proxy here, and each test names its own
 * client addresses in {@code X-Forwarded-For}: every test has buckets of its own.
 */
@RoomcastServer(Profile.CROSS_CONNECTION_LIMITS)
class CrossConnectionLimitsIT extends DeployedRoomcast {

    private static final RoomcastSettings SETTINGS = ProfileSettings.of(Profile.CROSS_CONNECTION_LIMITS);
    private static final int USER_BURST = SETTINGS.userRateBurst();
    private static final int HANDSHAKE_BURST = SETTINGS.handshakeBurst();
    private static final int ROOMS_PER_USER = SETTINGS.roomsPerUser();

    private static final Predicate<JsonObject> RATE_LIMITED =
            frame -> type("error").test(frame) && "rate_limited".equals(frame.getString("code"));

    private URI ws(String path) {
        return server.ws("127.0.0.1", path);
    }

    private WsClient json(String path, String address, String user) throws Exception {
        Map<String, String> headers = user == null ? Map.of("X-Forwarded-For", address)
                : Map.of("X-Forwarded-For", address, "Authorization", "Bearer " + TestTokens.valid(user));
        WsClient client = WsClient.connect(ws(path), headers);
        assertThat(client.awaitJson(type("welcome")).getString("address")).isEqualTo(address);
        return client;
    }

    private static void pingAndAwaitPongs(WsClient client, int pings) throws Exception {
        for (int i = 0; i < pings; i++) {
            client.send("{\"type\":\"ping\"}");
        }
        for (int i = 0; i < pings; i++) {
            assertThat(client.nextJson().getString("type")).as("reply %d", i).isEqualTo("pong");
        }
    }

    /**
     * Every frame the client receives until its second {@code rate_limited} error, sending a ping every
     * quarter second meanwhile. The error is told at most once a second and frames are answered in
     * order, so the second one is a fence: everything answered before it has arrived.
     */
    private static List<JsonObject> framesUntilSecondRateLimited(WsClient client) {
        List<JsonObject> frames = new ArrayList<>();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).until(() -> {
            client.send("{\"type\":\"ping\"}");
            for (String text = client.nextTextOrNull(Duration.ofMillis(200)); text != null;
                 text = client.nextTextOrNull(Duration.ofMillis(20))) {
                JsonObject frame = WsClient.parse(text);
                if (!type("heartbeat").test(frame)) {
                    frames.add(frame);
                }
            }
            return frames.stream().filter(RATE_LIMITED).count() >= 2;
        });
        return frames;
    }

    private static void assertRateLimited(JsonObject frame) {
        assertThat(frame.getString("type")).isEqualTo("error");
        assertThat(frame.getString("code")).isEqualTo("rate_limited");
        assertThat(frame.get("ref")).isEqualTo(JsonValue.NULL);
    }

    @Test
    void aUsersConnectionsShareOneFrameBucketAndANewConnectionGetsNoFreshBurst() throws Exception {
        String address = "198.51.100.11";
        try (WsClient first = json("ws/auth", address, "rate-alice");
             WsClient second = json("ws/auth", address, "rate-alice")) {
            pingAndAwaitPongs(first, 6);
            for (int i = 0; i < USER_BURST; i++) {
                second.send("{\"type\":\"ping\"}");
            }
            List<JsonObject> frames = framesUntilSecondRateLimited(second);
            assertThat(frames.stream().filter(type("pong"))).as("what the first connection left of the burst")
                    .hasSize(USER_BURST - 6);
            assertThat(frames.stream().filter(RATE_LIMITED)).hasSize(2);
            assertThat(frames).hasSize(USER_BURST - 6 + 2);
            assertRateLimited(frames.get(USER_BURST - 6));
        }
        try (WsClient reconnected = json("ws/auth", address, "rate-alice")) {
            reconnected.send("{\"type\":\"ping\"}");
            assertRateLimited(reconnected.nextJson());
        }
        try (WsClient bob = json("ws/auth", address, "rate-bob")) {
            pingAndAwaitPongs(bob, 1); // the same address, another user: a bucket of his own
        }
    }

    @Test
    void aGuestAddressesConnectionsShareOneFrameBucketChatIncludedAndSilently() throws Exception {
        String address = "198.51.100.12";
        int room = 13501;
        try (WsClient watcher = json("ws/realtime", "198.51.100.13", null)) {
            watcher.send("{\"type\":\"join\",\"room\":" + room + "}");
            assertThat(watcher.nextJson().getString("type")).isEqualTo("joined");
            try (WsClient guest = json("ws/realtime", address, null)) {
                pingAndAwaitPongs(guest, USER_BURST);
            }
            WsClient chat = WsClient.connect(ws("ws/chat/" + room), Map.of("X-Forwarded-For", address));
            assertThat(watcher.nextJson().getString("event")).isEqualTo("join");
            chat.send("over the address's rate");
            chat.close(); // after the line: the server handles the line, then the close
            List<JsonObject> beforeLeave = new ArrayList<>();
            for (JsonObject frame = watcher.nextJson(); !"leave".equals(frame.getString("event", ""));
                 frame = watcher.nextJson()) {
                beforeLeave.add(frame);
            }
            assertThat(beforeLeave).as("the chat line was dropped, silently").isEmpty();
        }
        try (WsClient reconnected = json("ws/realtime", address, null)) {
            reconnected.send("{\"type\":\"ping\"}");
            assertRateLimited(reconnected.nextJson());
        }
    }

    @Test
    void handshakesOverTheAddressRateAre429RateLimitedWithRetryAfterAndRefusedOnesCount() throws Exception {
        Map<String, String> from = Map.of("X-Forwarded-For", "198.51.100.14");
        for (int i = 0; i < 2; i++) {
            assertThat(RawWebSocket.handshake(ws("ws/chat/0"), from).status()).isEqualTo(400);
        }
        for (int i = 0; i < HANDSHAKE_BURST - 2; i++) {
            RawWebSocket.Handshake accepted = RawWebSocket.handshake(ws("ws/chat/13502"), from);
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(101);
            accepted.socket().close();
        }
        RawWebSocket.Handshake refused = RawWebSocket.handshake(ws("ws/chat/13502"), from);
        assertThat(refused.status()).as(refused.body()).isEqualTo(429);
        assertThat(WsClient.parse(refused.body()).getString("error")).isEqualTo("rate_limited");
        assertThat(refused.headers().get("retry-after")).as("whole seconds").matches("[1-9][0-9]*");
        assertThat(Integer.parseInt(refused.headers().get("retry-after"))).isBetween(1, 100);
        // judged before anything else: a bad request from that address is refused for its rate too
        assertThat(RawWebSocket.handshake(ws("ws/chat/0"), from).status()).isEqualTo(429);

        RawWebSocket.Handshake elsewhere = RawWebSocket.handshake(ws("ws/chat/13502"),
                Map.of("X-Forwarded-For", "198.51.100.15"));
        assertThat(elsewhere.status()).as(elsewhere.body()).isEqualTo(101);
        elsewhere.socket().close();
    }

    private static JsonObject join(WsClient client, int room) throws Exception {
        client.send("{\"type\":\"join\",\"room\":" + room + ",\"ref\":\"j" + room + "\"}");
        return client.awaitJson(frame -> frame.containsKey("ref") && ("j" + room).equals(frame.getString("ref", null))
                || type("joined").test(frame) && frame.getInt("room") == room);
    }

    private static void assertJoined(JsonObject frame, int room) {
        assertThat(frame.getString("type")).as(frame.toString()).isEqualTo("joined");
        assertThat(frame.getInt("room")).isEqualTo(room);
    }

    private static void assertTooManyRooms(JsonObject frame, int room) {
        assertThat(frame.getString("type")).as(frame.toString()).isEqualTo("error");
        assertThat(frame.getString("code")).isEqualTo("too_many_rooms");
        assertThat(frame.getString("ref")).isEqualTo("j" + room);
    }

    @Test
    void theRoomsOfAllConnectionsOfOneUserAreAtMostRoomsPerUser() throws Exception {
        String address = "198.51.100.16";
        String token = TestTokens.valid("quota-alice");
        try (WsClient first = json("ws/auth", address, "quota-alice")) {
            assertJoined(join(first, 13601), 13601);
            assertJoined(join(first, 13602), 13602);
            try (WsClient second = json("ws/auth", address, "quota-alice")) {
                assertJoined(join(second, 13602), 13602); // a room she holds already counts once
                assertJoined(join(second, 13603), 13603);
                assertTooManyRooms(join(second, 13604), 13604);

                Map<String, String> chatHeaders = Map.of("X-Forwarded-For", address, "Authorization", "Bearer " + token);
                RawWebSocket.Handshake refused = RawWebSocket.handshake(ws("ws/chat/13604"), chatHeaders);
                assertThat(refused.status()).as(refused.body()).isEqualTo(429);
                assertThat(WsClient.parse(refused.body()).getString("error")).isEqualTo("too_many_rooms");
                RawWebSocket.Handshake held = RawWebSocket.handshake(ws("ws/chat/13603"), chatHeaders);
                assertThat(held.status()).as("a room she holds: %s", held.body()).isEqualTo(101);
                Rooms.awaitMembers(server, 13603, 2);
                held.socket().close();
            }
            // the second connection's rooms are given back when it closes (13602 stays: the first is in it)
            Rooms.awaitMembers(server, 13603, 0);
            assertJoined(join(first, 13604), 13604);
            assertTooManyRooms(join(first, 13605), 13605);
        }
    }

    @Test
    void theGuestsOfOneAddressShareTheRoomQuota() throws Exception {
        Map<String, String> from = Map.of("X-Forwarded-For", "198.51.100.17");
        List<RawWebSocket> sockets = new ArrayList<>();
        try {
            for (int room = 13611; room < 13611 + ROOMS_PER_USER; room++) {
                RawWebSocket.Handshake accepted = RawWebSocket.handshake(ws("ws/chat/" + room), from);
                assertThat(accepted.status()).as(accepted.body()).isEqualTo(101);
                sockets.add(accepted.socket());
                Rooms.awaitMembers(server, room, 1);
            }
            RawWebSocket.Handshake refused = RawWebSocket.handshake(ws("ws/chat/13620"), from);
            assertThat(refused.status()).as(refused.body()).isEqualTo(429);
            assertThat(WsClient.parse(refused.body()).getString("error")).isEqualTo("too_many_rooms");
            try (WsClient other = json("ws/realtime", "198.51.100.18", null)) {
                assertJoined(join(other, 13620), 13620); // another address: a quota of its own
            }
        } finally {
            for (RawWebSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
