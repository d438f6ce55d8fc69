package io.roomcast.connection;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.SignedJWT;
import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.websocket.CloseReason;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Token lifetime and refresh (PROTOCOL 10), with tokens that live a few seconds and no clock skew.
 * Tokens for {@code /ws/secure} always carry a {@code clients} claim with the bound id (PROTOCOL 11).
 */
@RoomcastServer(Profile.QUIET)
class TokenLifetimeIT extends DeployedRoomcast {

    /** Long enough for a handshake on a busy machine, short enough to wait for. */
    private static final Duration SHORT = Duration.ofSeconds(3);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(20);

    private static String token(String user, Duration lifetime) {
        return TestTokens.hs256(TestTokens.claims(user, lifetime).build());
    }

    private static String secureToken(String user, Duration lifetime, List<Integer> clients) {
        return TestTokens.hs256(TestTokens.claims(user, lifetime).claim("clients", clients).build());
    }

    private static long expiryOf(String token) throws ParseException {
        return SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().getTime();
    }

    private static String refresh(String token, String ref) {
        return "{\"type\":\"refresh\",\"token\":\"" + token + "\",\"ref\":\"" + ref + "\"}";
    }

    private WsClient auth(String token) throws Exception {
        WsClient client = WsClient.connect(server.ws("ws/auth"), Map.of("Authorization", "Bearer " + token));
        client.awaitJson(type("welcome"));
        return client;
    }

    private WsClient secure(int clientId, String token) throws Exception {
        WsClient client = WsClient.connect(server.ws("ws/secure/" + clientId + "?token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8)));
        client.awaitJson(type("welcome"));
        return client;
    }

    private static void join(WsClient client, int room) throws Exception {
        client.send("{\"type\":\"join\",\"room\":" + room + "}");
        client.awaitJson(type("joined"));
    }

    /** Proves the connection open and answering, and that nothing but the pong came meanwhile. */
    private static void fence(WsClient client) throws Exception {
        client.send("{\"type\":\"ping\"}");
        assertThat(client.nextJson().getString("type")).isEqualTo("pong");
        assertThat(client.isOpen()).isTrue();
    }

    private static void assertTokenExpired(CloseReason close) {
        assertThat(close.getCloseCode().getCode()).isEqualTo(1008);
        assertThat(close.getReasonPhrase()).isEqualTo("token expired");
    }

    private static void assertError(JsonObject frame, String code, String ref) {
        assertThat(frame.getString("type")).isEqualTo("error");
        assertThat(frame.getString("code")).isEqualTo(code);
        assertThat(frame.getString("ref")).isEqualTo(ref);
    }

    private static void awaitPastExpiryOf(String token) throws ParseException {
        long expiry = expiryOf(token);
        await().atMost(CLOSE_WAIT).until(() -> System.currentTimeMillis() > expiry + 1_000);
    }

    @Test
    void theWelcomeCarriesTheTokensExpiryAndNullForAGuest() throws Exception {
        String token = TestTokens.valid("alice");
        try (WsClient client = WsClient.connect(server.ws("ws/auth"), Map.of("Authorization", "Bearer " + token))) {
            JsonObject welcome = client.awaitJson(type("welcome"));
            assertThat(welcome.getJsonNumber("expiresAt").longValueExact()).isEqualTo(expiryOf(token));
        }
        try (WsClient guest = WsClient.connect(server.ws("ws/realtime"))) {
            JsonObject welcome = guest.awaitJson(type("welcome"));
            assertThat(welcome.get("expiresAt")).as("null, not omitted").isEqualTo(JsonValue.NULL);
        }
    }

    @Test
    void aJsonSessionIsClosedWith1008AtExpiryAndTheRoomIsTold() throws Exception {
        try (WsClient watcher = auth(TestTokens.valid("watcher")); WsClient gina = auth(token("gina", SHORT))) {
            join(watcher, 6101);
            join(gina, 6101);
            assertThat(watcher.awaitJson(type("presence")).getString("event")).isEqualTo("join");

            assertTokenExpired(gina.awaitClose(CLOSE_WAIT));

            JsonObject left = watcher.awaitJson(type("presence"));
            assertThat(left.getString("event")).isEqualTo("leave");
            assertThat(left.getString("user")).isEqualTo("gina");
            assertThat(left.getInt("members")).isEqualTo(1);
            fence(watcher);
        }
    }

    @Test
    void aChatSessionOpenedWithATokenIsClosedWith1008AtExpiry() throws Exception {
        try (WsClient watcher = auth(TestTokens.valid("watcher"))) {
            join(watcher, 6102);
            try (WsClient chat = WsClient.connect(server.ws("ws/chat/6102"),
                    Map.of("Authorization", "Bearer " + token("hank", SHORT)))) {
                assertThat(watcher.awaitJson(type("presence")).getString("user")).isEqualTo("hank");

                assertTokenExpired(chat.awaitClose(CLOSE_WAIT));

                JsonObject left = watcher.awaitJson(type("presence"));
                assertThat(left.getString("event")).isEqualTo("leave");
                assertThat(left.getString("user")).isEqualTo("hank");
            }
        }
    }

    @Test
    void aStatusSessionOpenedWithATokenCannotRefreshAndIsClosedAtExpiry() throws Exception {
        String token = token("ivy", SHORT);
        try (WsClient status = WsClient.connect(server.ws("ws/status?access_token=" + token))) {
            status.awaitJson(type("status"));
            status.send(refresh(TestTokens.valid("ivy"), "s1"));
            assertError(status.awaitJson(type("error")), "invalid_message", "s1");

            assertTokenExpired(status.awaitClose(CLOSE_WAIT));
        }
    }

    @Test
    void aRefreshBeforeExpiryKeepsTheSessionOpenUntilTheNewExpiry() throws Exception {
        String first = token("judy", SHORT);
        String second = token("judy", SHORT.multipliedBy(2));
        try (WsClient judy = auth(first)) {
            judy.send(refresh(second, "r1"));
            JsonObject refreshed = judy.nextJson();
            assertThat(refreshed.getString("type")).isEqualTo("refreshed");
            assertThat(refreshed.getJsonNumber("expiresAt").longValueExact()).isEqualTo(expiryOf(second));
            assertThat(refreshed.getString("ref")).isEqualTo("r1");

            awaitPastExpiryOf(first);
            fence(judy);

            assertTokenExpired(judy.awaitClose(CLOSE_WAIT));
        }
    }

    @Test
    void aSecureSessionRefreshedWithALongTokenListingItsClientIdOutlivesTheFirstToken() throws Exception {
        String first = secureToken("kate", SHORT, List.of(6201));
        try (WsClient kate = secure(6201, first)) {
            kate.send("{\"type\":\"refresh\",\"token\":\"" + secureToken("kate", Duration.ofHours(1), List.of(6201)) + "\"}");
            JsonObject refreshed = kate.nextJson();
            assertThat(refreshed.getString("type")).isEqualTo("refreshed");
            assertThat(refreshed.get("ref")).isEqualTo(JsonValue.NULL);

            awaitPastExpiryOf(first);
            fence(kate);
        }
    }

    @Test
    void aRefreshThatNarrowsTheRoomsLeavesTheExcludedRoomAfterTheRefreshedReply() throws Exception {
        try (WsClient lena = auth(TestTokens.forRooms("lena", List.of(6103, 6104)));
             WsClient watcher = auth(TestTokens.valid("watcher"))) {
            join(lena, 6103);
            join(lena, 6104);
            join(watcher, 6103);
            join(watcher, 6104);
            lena.awaitJson(type("presence"));
            lena.awaitJson(type("presence"));

            lena.send(refresh(TestTokens.forRooms("lena", List.of(6104)), "n1"));
            JsonObject refreshed = lena.nextJson();
            assertThat(refreshed.getString("type")).isEqualTo("refreshed");
            JsonObject left = lena.nextJson();
            assertThat(left.getString("type")).isEqualTo("left");
            assertThat(left.getInt("room")).isEqualTo(6103);
            assertThat(left.getString("reason")).isEqualTo("forbidden_room");

            JsonObject presence = watcher.awaitJson(type("presence"));
            assertThat(presence.getString("event")).isEqualTo("leave");
            assertThat(presence.getInt("room")).isEqualTo(6103);
            assertThat(presence.getString("user")).isEqualTo("lena");

            watcher.send("{\"type\":\"message\",\"room\":6104,\"text\":\"still here?\"}");
            JsonObject message = lena.nextJson();
            assertThat(message.getString("type")).isEqualTo("message");
            assertThat(message.getInt("room")).isEqualTo(6104);
            assertThat(message.getString("text")).isEqualTo("still here?");

            lena.send("{\"type\":\"join\",\"room\":6103,\"ref\":\"j1\"}");
            assertError(lena.nextJson(), "forbidden_room", "j1");
        }
    }

    @Test
    void aPlainLeaveStillAnswersLeftWithANullReason() throws Exception {
        try (WsClient mona = auth(TestTokens.valid("mona"))) {
            join(mona, 6105);
            mona.send("{\"type\":\"leave\",\"room\":6105}");
            JsonObject left = mona.nextJson();
            assertThat(left.getString("type")).isEqualTo("left");
            assertThat(left.get("reason")).isEqualTo(JsonValue.NULL);
        }
    }

    @Test
    void aRefreshNamingAnotherUserIsRefusedAndTheOldTokenStillEndsTheSession() throws Exception {
        try (WsClient nina = auth(token("nina", SHORT))) {
            nina.send(refresh(TestTokens.valid("mallory"), "x1"));
            assertError(nina.nextJson(), "invalid_credentials", "x1");
            fence(nina);

            assertTokenExpired(nina.awaitClose(CLOSE_WAIT));
        }
    }

    @Test
    void anInvalidOrExpiredRefreshTokenIsInvalidCredentials() throws Exception {
        try (WsClient omar = auth(TestTokens.valid("omar"))) {
            omar.send(refresh("not.a.jwt", "g1"));
            assertError(omar.nextJson(), "invalid_credentials", "g1");
            omar.send(refresh(token("omar", Duration.ofMinutes(-5)), "e1"));
            assertError(omar.nextJson(), "invalid_credentials", "e1");
            omar.send(refresh(TestTokens.sign(new JWSHeader(JWSAlgorithm.HS256),
                    TestTokens.claims("omar", Duration.ofHours(1)).build(),
                    "another-secret-another-secret-0123456789".getBytes(StandardCharsets.UTF_8)), "s1"));
            assertError(omar.nextJson(), "invalid_credentials", "s1");
            omar.send("{\"type\":\"refresh\",\"token\":\"\",\"ref\":\"m1\"}");
            assertError(omar.nextJson(), "invalid_message", "m1");
            fence(omar);
        }
    }

    @Test
    void aGuestsRefreshIsInvalidMessage() throws Exception {
        try (WsClient guest = WsClient.connect(server.ws("ws/realtime"))) {
            guest.awaitJson(type("welcome"));
            guest.send(refresh(TestTokens.valid("pete"), "q1"));
            assertError(guest.nextJson(), "invalid_message", "q1");
            fence(guest);
        }
    }

    @Test
    void onSecureARefreshTokenThatDoesNotListTheClientIdIsForbiddenClient() throws Exception {
        try (WsClient rita = secure(6202, secureToken("rita", Duration.ofHours(1), List.of(6202)))) {
            rita.send(refresh(TestTokens.valid("rita"), "c1"));
            assertError(rita.nextJson(), "forbidden_client", "c1");
            rita.send(refresh(secureToken("rita", Duration.ofHours(1), List.of(6203)), "c2"));
            assertError(rita.nextJson(), "forbidden_client", "c2");
            fence(rita);
        }
    }
}
