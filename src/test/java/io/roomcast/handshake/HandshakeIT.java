package io.roomcast.handshake;

import io.roomcast.auth.TokenVerifierTest;
import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import io.roomcast.config.RoomcastSettings;
import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.ProfileSettings;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.Rooms;
import io.roomcast.testsupport.TargetServer;
import io.roomcast.testsupport.TestKeys;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every row of PROTOCOL section 2 against a real server: statuses and error codes, credential
 * sources, JWT attacks, origins and client addresses. Connections through 127.0.0.1 come from a
 * trusted proxy; connections to the machine's own address come from an untrusted peer.
 */
@RoomcastServer(Profile.EDGE_LIMITS)
class HandshakeIT extends DeployedRoomcast {

    private static final RoomcastSettings SETTINGS = ProfileSettings.of(Profile.EDGE_LIMITS);
    /** The key pair of the profile's {@code roomcast.jwt.public-key}. */
    static final KeyPair RSA = TestKeys.rsa();
    static final String ALLOWED_ORIGIN = SETTINGS.allowedOrigins().get(0);
    static final int CONNECTIONS_PER_ADDRESS = SETTINGS.connectionsPerAddress();
    static final int CONNECTIONS_PER_USER = SETTINGS.connectionsPerUser();

    /**
     * The per-address limit here is small, and closing is asynchronous: start once the server has
     * forgotten the connections of the class that ran before on this shared server...
     */
    @BeforeEach
    void noConnectionIsLeft() {
        Rooms.awaitConnections(server, 0);
    }

    /** ... and wait until it has forgotten this test's connections so that the next test starts from zero. */
    @AfterEach
    void everyConnectionIsGone() {
        Rooms.awaitConnections(server, 0);
    }

    private RawWebSocket.Handshake handshake(String path, Map<String, String> headers) throws Exception {
        return RawWebSocket.handshake(server.ws(path), headers);
    }

    private static void assertRefused(RawWebSocket.Handshake answer, int status, String code) {
        assertThat(answer.status()).as("status, body %s", answer.body()).isEqualTo(status);
        JsonObject body = WsClient.parse(answer.body());
        assertThat(body.getString("error")).isEqualTo(code);
        assertThat(body.getString("message")).isNotBlank();
        assertThat(answer.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    // --- 426 upgrade_required ---

    @Test
    void aPlainRequestToAWebSocketPathGets426WithTheJsonBody() throws Exception {
        for (String path : List.of("ws/auth", "ws/chat/7", "ws/realtime", "ws/no-such-endpoint")) {
            java.net.http.HttpResponse<String> response = server.get(path);
            assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(426);
            assertThat(response.headers().firstValue("Upgrade")).as(path).hasValueSatisfying(
                    v -> assertThat(v).isEqualToIgnoringCase("websocket"));
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
            JsonObject body = WsClient.parse(response.body());
            assertThat(body.getString("error")).isEqualTo("upgrade_required");
            assertThat(body.getString("message")).isNotBlank();
        }
    }

    // --- 400 invalid_parameter ---

    @Test
    void secureRefusesABadClientIdOrAShortTokenWith400() throws Exception {
        String token = TestTokens.valid("alice");
        assertRefused(handshake("ws/secure/0?token=" + token, Map.of()), 400, "invalid_parameter");
        assertRefused(handshake("ws/secure/2147483648?token=" + token, Map.of()), 400, "invalid_parameter");
        assertRefused(handshake("ws/secure/x1?token=" + token, Map.of()), 400, "invalid_parameter");
        assertRefused(handshake("ws/secure/5?token=1234567", Map.of()), 400, "invalid_parameter");
    }

    // --- 401 missing_credentials / invalid_credentials, and the credential sources ---

    @Test
    void authAndSecureRequireCredentials() throws Exception {
        assertRefused(handshake("ws/auth", Map.of()), 401, "missing_credentials");
        assertRefused(handshake("ws/secure/5", Map.of()), 401, "missing_credentials");
    }

    @Test
    void theAuthorizationHeaderAuthenticates() throws Exception {
        try (WsClient client = WsClient.connect(server.ws("ws/auth"), bearer(TestTokens.valid("alice")))) {
            assertThat(client.awaitJson(type("welcome")).getString("user")).isEqualTo("alice");
        }
    }

    @Test
    void theAccessTokenParameterAuthenticates() throws Exception {
        try (WsClient client = WsClient.connect(server.ws("ws/auth?access_token=" + q(TestTokens.valid("bob"))))) {
            assertThat(client.awaitJson(type("welcome")).getString("user")).isEqualTo("bob");
        }
    }

    @Test
    void theTokenParameterAuthenticatesOnSecureAndBindsTheClientId() throws Exception {
        try (WsClient client = WsClient.connect(server.ws("ws/secure/42?token=" + q(TestTokens.forClients("carol", List.of(42)))))) {
            JsonObject welcome = client.awaitJson(type("welcome"));
            assertThat(welcome.getString("user")).isEqualTo("carol");
            assertThat(welcome.getInt("clientId")).isEqualTo(42);
        }
    }

    @Test
    void theTokenParameterDoesNotCountOnOtherEndpoints() throws Exception {
        assertRefused(handshake("ws/auth?token=" + q(TestTokens.valid("carol")), Map.of()), 401, "missing_credentials");
    }

    @Test
    void anInvalidHeaderIsRefusedEvenWhenAValidAccessTokenIsGiven() throws Exception {
        assertRefused(handshake("ws/auth?access_token=" + q(TestTokens.valid("bob")), bearer("garbage")), 401,
                "invalid_credentials");
        assertRefused(handshake("ws/auth", Map.of("Authorization", "Basic YWxpY2U6c2VjcmV0")), 401, "invalid_credentials");
    }

    @Test
    void invalidCredentialsAreRefusedOnEndpointsWhereTheyAreOptional() throws Exception {
        assertRefused(handshake("ws/chat/7?access_token=garbage", Map.of()), 401, "invalid_credentials");
        assertRefused(handshake("ws/realtime", bearer("garbage")), 401, "invalid_credentials");
        assertRefused(handshake("ws/status?access_token=garbage", Map.of()), 401, "invalid_credentials");
    }

    @Test
    void everyJwtAttackIsRefusedWith401() throws Exception {
        Date now = new Date();
        JWTClaimsSet claims = TestTokens.claims("mallory", Duration.ofMinutes(5)).build();
        String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}").toString();
        Map<String, String> attacks = new HashMap<>();
        attacks.put("alg none", header + "." + Base64URL.encode(claims.toString()) + ".");
        attacks.put("bad signature", TestTokens.sign(new JWSHeader(JWSAlgorithm.HS256), claims,
                "not-the-server-secret-but-long-enough-000".getBytes(StandardCharsets.UTF_8)));
        attacks.put("algorithm confusion (HS256 keyed with the RSA public key)", TestTokens.sign(
                new JWSHeader(JWSAlgorithm.HS256), claims, TokenVerifierTest.pem(RSA).getBytes(StandardCharsets.UTF_8)));
        attacks.put("expired", TestTokens.with("mallory", c -> c.expirationTime(new Date(now.getTime() - 120_000))));
        attacks.put("not yet valid", TestTokens.with("mallory", c -> c.notBeforeTime(new Date(now.getTime() + 120_000))));
        attacks.put("wrong issuer", TestTokens.with("mallory", c -> c.issuer("https://evil.example")));
        attacks.put("wrong audience", TestTokens.with("mallory", c -> c.audience("someone-else")));
        attacks.put("no exp", TestTokens.with("mallory", c -> c.expirationTime(null)));
        attacks.put("unknown kid", TestTokens.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rotated-away").build(),
                claims, TestTokens.SECRET.getBytes(StandardCharsets.UTF_8)));
        attacks.put("malformed", "eyJhbGciOiJIUzI1NiJ9.not-base64!.x");
        attacks.put("a guest's name as sub", TestTokens.valid("guest-1"));
        for (Map.Entry<String, String> attack : attacks.entrySet()) {
            RawWebSocket.Handshake answer = handshake("ws/auth", bearer(attack.getValue()));
            assertThat(answer.status()).as(attack.getKey()).isEqualTo(401);
            assertThat(WsClient.parse(answer.body()).getString("error")).as(attack.getKey()).isEqualTo("invalid_credentials");
        }
    }

    @Test
    void aSubLongerThan256CharactersOrHoldingControlCharactersIsRefused401() throws Exception {
        for (String sub : new String[] {"m".repeat(257), "mallory\r\n[INFO] admin logged in", "bell\u0007", "c1\u009b"}) {
            assertRefused(handshake("ws/auth", bearer(TestTokens.valid(sub))), 401, "invalid_credentials");
            assertRefused(handshake("ws/chat/7?access_token=" + q(TestTokens.valid(sub)), Map.of()), 401, "invalid_credentials");
        }
        String longest = "m".repeat(256);
        try (WsClient client = WsClient.connect(server.ws("ws/auth"), bearer(TestTokens.valid(longest)))) {
            assertThat(client.awaitJson(type("welcome")).getString("user")).isEqualTo(longest);
        }
    }

    @Test
    void aTokenLongerThan8192CharactersIsRefused() throws Exception {
        String oversized = TestTokens.with("mallory", c -> c.claim("pad", "x".repeat(6000)));
        assertThat(oversized.length()).isBetween(8193, 8600); // otherwise valid: refused for its length alone
        RawWebSocket.Handshake answer = handshake("ws/auth", bearer(oversized));
        if (TargetServer.isWildFly()) {
            assertRefused(answer, 401, "invalid_credentials");
        } else {
            // Payara's HTTP layer (Grizzly) refuses a request whose headers exceed 8 KiB before Roomcast sees it.
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.socket()).isNull();
        }
    }

    @Test
    void rs256TokensSignedWithTheConfiguredKeyPairAreAccepted() throws Exception {
        String token = TestTokens.sign(new JWSHeader(JWSAlgorithm.RS256), TestTokens.claims("rsa-user", Duration.ofMinutes(5)).build(),
                new RSASSASigner(RSA.getPrivate()));
        try (WsClient client = WsClient.connect(server.ws("ws/auth"), bearer(token))) {
            assertThat(client.awaitJson(type("welcome")).getString("user")).isEqualTo("rsa-user");
        }
    }

    // --- 403 forbidden_origin / forbidden_room ---

    @Test
    void aForeignOriginIsRefusedWith403() throws Exception {
        assertRefused(handshake("ws/chat/7", Map.of("Origin", "https://evil.example")), 403, "forbidden_origin");
    }

    @Test
    void theSameHostAndPortAndListedOriginsPass() throws Exception {
        URI ws = server.ws("ws/chat/7");
        String sameHost = "http://" + ws.getHost() + ":" + ws.getPort();
        assertThat(handshake("ws/chat/7", Map.of("Origin", sameHost)).socket()).isNotNull().satisfies(s -> close(s));
        assertThat(handshake("ws/chat/7", Map.of("Origin", ALLOWED_ORIGIN)).socket()).isNotNull().satisfies(s -> close(s));
        assertThat(handshake("ws/chat/7", Map.of()).socket()).isNotNull().satisfies(s -> close(s));
    }

    @Test
    void aTokenWhoseRoomsExcludeTheRoomIsRefusedWith403() throws Exception {
        String token = TestTokens.forRooms("dana", List.of(7, 8));
        assertRefused(handshake("ws/chat/9?access_token=" + q(token), Map.of()), 403, "forbidden_room");
        RawWebSocket.Handshake allowed = handshake("ws/chat/8?access_token=" + q(token), Map.of());
        assertThat(allowed.status()).isEqualTo(101);
        allowed.socket().close();
    }

    // --- 403 forbidden_client (PROTOCOL 11) ---

    @Test
    void secureRefusesATokenWhoseClientsDoNotListTheClientIdWith403() throws Exception {
        assertRefused(handshake("ws/secure/42?token=" + q(TestTokens.valid("carol")), Map.of()), 403, "forbidden_client");
        assertRefused(handshake("ws/secure/42?token=" + q(TestTokens.forClients("carol", List.of(41, 43))), Map.of()), 403,
                "forbidden_client");
        assertRefused(handshake("ws/secure/42", bearer(TestTokens.forClients("carol", List.of()))), 403, "forbidden_client");
    }

    @Test
    void directMessagesFlowBetweenSecureClientsBoundByTheirTokens() throws Exception {
        try (WsClient one = WsClient.connect(server.ws("ws/secure/501?token=" + q(TestTokens.forClients("ann", List.of(501)))));
             WsClient two = WsClient.connect(server.ws("ws/secure/502?token=" + q(TestTokens.forClients("ben", List.of(502)))))) {
            assertThat(one.awaitJson(type("welcome")).getInt("clientId")).isEqualTo(501);
            assertThat(two.awaitJson(type("welcome")).getInt("clientId")).isEqualTo(502);
            one.send("{\"type\":\"direct\",\"to\":502,\"text\":\"hi ben\"}");
            JsonObject direct = two.awaitJson(type("direct"));
            assertThat(direct.getString("from")).isEqualTo("ann");
            assertThat(direct.getString("text")).isEqualTo("hi ben");
            two.send("{\"type\":\"direct\",\"to\":501,\"text\":\"hi ann\"}");
            assertThat(one.awaitJson(type("direct")).getString("from")).isEqualTo("ben");
        }
    }

    // --- 429 too_many_connections ---

    @Test
    void tooManyConnectionsForOneUserAre429() throws Exception {
        String token = TestTokens.valid("limited-user");
        List<WsClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS_PER_USER; i++) {
                WsClient client = WsClient.connect(server.ws("ws/auth"), bearer(token));
                open.add(client);
                client.awaitJson(type("welcome"));
            }
            assertRefused(handshake("ws/auth", bearer(token)), 429, "too_many_connections");
        } finally {
            open.forEach(WsClient::close);
        }
    }

    @Test
    void tooManyConnectionsFromOneAddressAre429() throws Exception {
        Map<String, String> sameClient = Map.of("X-Forwarded-For", "198.51.100.77");
        List<RawWebSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS_PER_ADDRESS; i++) {
                RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("127.0.0.1", "ws/chat/7"), sameClient);
                assertThat(answer.status()).isEqualTo(101);
                open.add(answer.socket());
            }
            assertRefused(RawWebSocket.handshake(server.ws("127.0.0.1", "ws/chat/7"), sameClient), 429, "too_many_connections");
        } finally {
            for (RawWebSocket socket : open) {
                socket.close();
            }
        }
    }

    // --- client address ---

    @Test
    void forwardedForFromAnUntrustedPeerIsIgnored() throws Exception {
        try (WsClient client = WsClient.connect(server.ws("ws/realtime"), Map.of("X-Forwarded-For", "203.0.113.50"))) {
            String address = client.awaitJson(type("welcome")).getString("address");
            assertThat(address).isNotEqualTo("203.0.113.50").isEqualTo(server.base().getHost());
        }
    }

    @Test
    void forwardedForFromATrustedProxyGivesTheClientAddress() throws Exception {
        try (WsClient client = WsClient.connect(server.ws("127.0.0.1", "ws/realtime"),
                Map.of("X-Forwarded-For", "203.0.113.50, 127.0.0.1"))) {
            assertThat(client.awaitJson(type("welcome")).getString("address")).isEqualTo("203.0.113.50");
        }
    }

    @Test
    void aForwardedHeaderIsIgnoredWhenTheProxyWritesXForwardedFor() throws Exception {
        // roomcast.proxy.header defaults to x-forwarded-for: a Forwarded header came from the client itself.
        try (WsClient client = WsClient.connect(server.ws("127.0.0.1", "ws/realtime"),
                Map.of("Forwarded", "for=\"[2001:db8::7]:443\""))) {
            assertThat(client.awaitJson(type("welcome")).getString("address")).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void anHttpsOriginIsTheSameOriginBehindATlsTerminatingTrustedProxy() throws Exception {
        Map<String, String> page = Map.of("Host", "chat.roomcast.test", "Origin", "https://chat.roomcast.test");
        assertRefused(RawWebSocket.handshake(server.ws("127.0.0.1", "ws/chat/7"), page), 403, "forbidden_origin");
        Map<String, String> proxied = new HashMap<>(page);
        proxied.put("X-Forwarded-Proto", "https");
        RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("127.0.0.1", "ws/chat/7"), proxied);
        assertThat(answer.status()).as(answer.body()).isEqualTo(101);
        close(answer.socket());
        // From an untrusted peer the header is the client's own word.
        assertRefused(RawWebSocket.handshake(server.ws("ws/chat/7"), proxied), 403, "forbidden_origin");
    }

    private static void close(RawWebSocket socket) {
        try {
            socket.close();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
