package io.roomcast.handshake;

import io.roomcast.auth.TokenVerifierTest;
import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.Identity;
import io.roomcast.connection.Ids;
import io.roomcast.connection.TestConnections;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.room.RoomRegistry;
import io.roomcast.testsupport.TestTokens;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HandshakeGuardTest {

    private final ConnectionRegistry connections = new ConnectionRegistry();
    private final RoomRegistry registry = new RoomRegistry();

    private HandshakeGuard guard(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(Map.of("roomcast.jwt.secret", TestTokens.SECRET,
                "roomcast.origins", "https://app.example", "roomcast.proxy.trusted", "127.0.0.1",
                "roomcast.limits.connections-per-address", "3", "roomcast.limits.connections-per-user", "1"));
        values.putAll(extra);
        RoomcastSettings settings = RoomcastSettings.from(k -> Optional.ofNullable(values.get(k)));
        HandshakeGuard guard = new HandshakeGuard(settings, TokenVerifierTest.verifier(values), connections, new Ids(),
                registry);
        return guard;
    }

    private final HandshakeGuard guard = guard(Map.of());

    private static HandshakeRequest request(String path, Map<String, String> params, Map<String, String> headers) {
        return new HandshakeRequest(path, params::get,
                name -> headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                        .map(Map.Entry::getValue).toList(),
                "203.0.113.5", false);
    }

    private static HandshakeRequest request(String path) {
        return request(path, Map.of(), Map.of());
    }

    private static void refused(HandshakeDecision decision, int status, ErrorCode code) {
        assertThat(decision).isInstanceOf(HandshakeDecision.Refused.class);
        HandshakeDecision.Refused refused = (HandshakeDecision.Refused) decision;
        assertThat(refused.status()).isEqualTo(status);
        assertThat(refused.code()).isEqualTo(code);
    }

    private static Identity accepted(HandshakeDecision decision) {
        assertThat(decision).isInstanceOf(HandshakeDecision.Accepted.class);
        return ((HandshakeDecision.Accepted) decision).identity();
    }

    @Test
    void otherPathsAreNotJudged() {
        assertThat(guard.decide(request("/ws/unknown"))).isInstanceOf(HandshakeDecision.NotOurs.class);
    }

    @Test
    void duringShutdownEveryHandshakeIs503SoClientsRetryElsewhereOrLater() {
        connections.drain();
        refused(guard.decide(request("/ws/chat/7")), 503, ErrorCode.SHUTTING_DOWN);
        refused(guard.decide(request("/ws/realtime")), 503, ErrorCode.SHUTTING_DOWN);
        assertThat(guard.decide(request("/ws/unknown"))).isInstanceOf(HandshakeDecision.NotOurs.class);
    }

    @Test
    void anonymousChatGetsAGuestName() {
        Identity identity = accepted(guard.decide(request("/ws/chat/7")));
        assertThat(identity.user()).startsWith("guest-");
        assertThat(identity.authenticated()).isFalse();
        assertThat(identity.address()).isEqualTo("203.0.113.5");
    }

    @Test
    void anonymousAccessCanBeSwitchedOff() {
        refused(guard(Map.of("roomcast.auth.anonymous", "false")).decide(request("/ws/chat/7")), 401, ErrorCode.MISSING_CREDENTIALS);
    }

    @Test
    void badPathParametersAndShortTokensAre400() {
        refused(guard.decide(request("/ws/chat/0")), 400, ErrorCode.INVALID_PARAMETER);
        refused(guard.decide(request("/ws/secure/abc")), 400, ErrorCode.INVALID_PARAMETER);
        refused(guard.decide(request("/ws/secure/5", Map.of("token", "short"), Map.of())), 400, ErrorCode.INVALID_PARAMETER);
    }

    @Test
    void credentialsComeFromTheHeaderThenAccessTokenThenToken() {
        String alice = TestTokens.valid("alice");
        String bob = TestTokens.valid("bob");
        assertThat(accepted(guard.decide(request("/ws/auth", Map.of("access_token", bob),
                Map.of("Authorization", "Bearer " + alice)))).user()).isEqualTo("alice");
        assertThat(accepted(guard.decide(request("/ws/auth", Map.of("access_token", bob), Map.of()))).user()).isEqualTo("bob");
        Identity secure = accepted(guard.decide(request("/ws/secure/42", Map.of("token", TestTokens.forClients("carol", List.of(42))),
                Map.of())));
        assertThat(secure.user()).isEqualTo("carol");
        assertThat(secure.clientId()).isEqualTo(42);
    }

    @Test
    void anInvalidHeaderIsRefusedEvenWithAValidAccessToken() {
        refused(guard.decide(request("/ws/auth", Map.of("access_token", TestTokens.valid("bob")),
                Map.of("Authorization", "Bearer nonsense"))), 401, ErrorCode.INVALID_CREDENTIALS);
        refused(guard.decide(request("/ws/auth", Map.of(), Map.of("Authorization", "Basic YWxpY2U6cHc="))),
                401, ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void theTokenQueryParameterCountsOnlyOnSecure() {
        refused(guard.decide(request("/ws/auth", Map.of("token", TestTokens.valid("alice")), Map.of())), 401,
                ErrorCode.MISSING_CREDENTIALS);
    }

    @Test
    void invalidCredentialsAreRefusedEvenWhereCredentialsAreOptional() {
        refused(guard.decide(request("/ws/realtime", Map.of("access_token", "not-a-token"), Map.of())), 401,
                ErrorCode.INVALID_CREDENTIALS);
    }

    @Test
    void originsOtherThanTheHostOrTheListAre403() {
        refused(guard.decide(request("/ws/chat/7", Map.of(), Map.of("Origin", "http://evil.example", "Host", "rc:8080"))),
                403, ErrorCode.FORBIDDEN_ORIGIN);
        accepted(guard.decide(request("/ws/chat/7", Map.of(), Map.of("Origin", "http://rc:8080", "Host", "rc:8080"))));
        accepted(guard.decide(request("/ws/chat/7", Map.of(), Map.of("Origin", "https://app.example", "Host", "rc:8080"))));
    }

    @Test
    void theRoomsClaimGuardsChatRooms() {
        String token = TestTokens.forRooms("alice", List.of(7));
        accepted(guard.decide(request("/ws/chat/7", Map.of("access_token", token), Map.of())));
        refused(guard.decide(request("/ws/chat/8", Map.of("access_token", token), Map.of())), 403, ErrorCode.FORBIDDEN_ROOM);
    }

    @Test
    void secureBindsOnlyAClientIdTheClientsClaimLists() {
        refused(guard.decide(request("/ws/secure/42", Map.of("token", TestTokens.valid("carol")), Map.of())), 403,
                ErrorCode.FORBIDDEN_CLIENT);
        refused(guard.decide(request("/ws/secure/42", Map.of("token", TestTokens.forClients("carol", List.of(41, 43))), Map.of())),
                403, ErrorCode.FORBIDDEN_CLIENT);
        refused(guard.decide(request("/ws/secure/42", Map.of("token", TestTokens.forClients("carol", List.of())), Map.of())),
                403, ErrorCode.FORBIDDEN_CLIENT);
        assertThat(accepted(guard.decide(request("/ws/secure/42", Map.of("token", TestTokens.forClients("carol", List.of(7, 42))),
                Map.of()))).clientId()).isEqualTo(42);
    }

    @Test
    void theClientsClaimIsJudgedAfterTheCredentialsAndBeforeTheLimits() {
        refused(guard.decide(request("/ws/secure/42", Map.of("token", "not-a-valid-token"), Map.of())), 401,
                ErrorCode.INVALID_CREDENTIALS);
        connections.add(TestConnections.connection("c", "carol")); // carol is at her limit of one connection
        refused(guard.decide(request("/ws/secure/42", Map.of("token", TestTokens.valid("carol")), Map.of())), 403,
                ErrorCode.FORBIDDEN_CLIENT);
        refused(guard.decide(request("/ws/secure/42", Map.of("token", TestTokens.forClients("carol", List.of(42))), Map.of())),
                429, ErrorCode.TOO_MANY_CONNECTIONS);
    }

    @Test
    void theClientsClaimMattersOnlyOnSecure() {
        accepted(guard.decide(request("/ws/auth", Map.of("access_token", TestTokens.valid("dave")), Map.of())));
        accepted(guard.decide(request("/ws/chat/7", Map.of("access_token", TestTokens.forClients("erin", List.of(1))), Map.of())));
    }

    @Test
    void acceptedHandshakesReserveTheirSlotsBeforeTheSessionOpens() {
        for (int i = 0; i < 3; i++) {
            accepted(guard.decide(request("/ws/chat/7")));
        }
        refused(guard.decide(request("/ws/chat/7")), 429, ErrorCode.TOO_MANY_CONNECTIONS);
    }

    @Test
    void connectionLimitsPerAddressAndPerUserAre429() {
        connections.add(TestConnections.connection("a", TestConnections.guest("guest-a", "203.0.113.5"), ConnectionKind.CHAT, new ArrayList<>()));
        connections.add(TestConnections.connection("a2", TestConnections.guest("guest-a2", "203.0.113.5"), ConnectionKind.CHAT, new ArrayList<>()));
        accepted(guard.decide(request("/ws/chat/7")));
        connections.add(TestConnections.connection("b", TestConnections.guest("guest-b", "203.0.113.5"), ConnectionKind.CHAT, new ArrayList<>()));
        refused(guard.decide(request("/ws/chat/7")), 429, ErrorCode.TOO_MANY_CONNECTIONS);

        connections.add(TestConnections.connection("c", "carol"));
        HandshakeRequest carol = new HandshakeRequest("/ws/auth", Map.of("access_token", TestTokens.valid("carol"))::get,
                name -> List.of(), "198.51.100.1", false);
        refused(guard.decide(carol), 429, ErrorCode.TOO_MANY_CONNECTIONS);
    }

    @Test
    void aChatConnectThatWouldCreateARoomBeyondTheCapIs429TooManyRoomsAndReservesNothing() {
        HandshakeGuard capped = guard(Map.of("roomcast.limits.rooms", "1"));
        registry.join(7, TestConnections.connection("a", "alice"), new RoomRegistry.Limits(100, 1));
        accepted(capped.decide(request("/ws/chat/7")));
        int before = connections.connectionsFromAddress("203.0.113.5");
        refused(capped.decide(request("/ws/chat/8")), 429, ErrorCode.TOO_MANY_ROOMS);
        assertThat(connections.connectionsFromAddress("203.0.113.5")).as("no slot held").isEqualTo(before);
        // JSON endpoints join rooms later, by frame: their handshake is not concerned
        accepted(capped.decide(request("/ws/realtime")));
    }

    private static HandshakeRequest from(String peer, String path, Map<String, String> headers) {
        return new HandshakeRequest(path, name -> null,
                name -> headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                        .map(Map.Entry::getValue).toList(),
                peer, false);
    }

    /** Three handshakes per address, then one per thousand seconds: nothing refills during a test. */
    private HandshakeGuard rateLimited() {
        return guard(Map.of("roomcast.limits.handshake-rate", "0.001", "roomcast.limits.handshake-burst", "3",
                "roomcast.limits.connections-per-address", "100"));
    }

    @Test
    void handshakesOverTheAddressRateAre429RateLimitedWithRetryAfter() {
        HandshakeGuard limited = rateLimited();
        for (int i = 0; i < 3; i++) {
            accepted(limited.decide(request("/ws/chat/7")));
        }
        HandshakeDecision decision = limited.decide(request("/ws/realtime"));
        refused(decision, 429, ErrorCode.RATE_LIMITED);
        assertThat(((HandshakeDecision.Refused) decision).retryAfterSeconds()).isBetween(1L, 1000L);
        accepted(limited.decide(from("198.51.100.4", "/ws/chat/7", Map.of()))); // another address
    }

    @Test
    void everyHandshakeAttemptCountsRefusedOnesIncludedAndTheRateIsJudgedFirst() {
        HandshakeGuard limited = rateLimited();
        refused(limited.decide(request("/ws/chat/0")), 400, ErrorCode.INVALID_PARAMETER);
        refused(limited.decide(request("/ws/auth")), 401, ErrorCode.MISSING_CREDENTIALS);
        accepted(limited.decide(request("/ws/chat/7")));
        refused(limited.decide(request("/ws/chat/0")), 429, ErrorCode.RATE_LIMITED);
        refused(limited.decide(request("/ws/auth", Map.of("access_token", TestTokens.valid("alice")), Map.of())),
                429, ErrorCode.RATE_LIMITED);
        assertThat(limited.decide(request("/ws/unknown"))).as("not a handshake of ours")
                .isInstanceOf(HandshakeDecision.NotOurs.class);
    }

    @Test
    void theHandshakeRateCountsTheResolvedClientAddress() {
        HandshakeGuard limited = rateLimited();
        Map<String, String> forwarded = Map.of("X-Forwarded-For", "198.51.100.9");
        for (int i = 0; i < 3; i++) {
            accepted(limited.decide(from("127.0.0.1", "/ws/chat/7", forwarded)));
        }
        refused(limited.decide(from("127.0.0.1", "/ws/chat/7", forwarded)), 429, ErrorCode.RATE_LIMITED);
        accepted(limited.decide(from("127.0.0.1", "/ws/chat/7", Map.of("X-Forwarded-For", "198.51.100.10"))));
        accepted(limited.decide(from("127.0.0.1", "/ws/chat/7", Map.of())));
    }

    @Test
    void aChatConnectBeyondTheUsersRoomQuotaIs429TooManyRoomsAndReservesNothing() {
        HandshakeGuard quota = guard(Map.of("roomcast.limits.rooms-per-user", "1",
                "roomcast.limits.connections-per-address", "100"));
        RoomRegistry.Limits limits = new RoomRegistry.Limits(100, 100, 1);
        registry.join(7, TestConnections.connection("g", TestConnections.guest("guest-g", "203.0.113.5"),
                ConnectionKind.CHAT, new ArrayList<>()), limits);
        registry.join(7, TestConnections.connection("a", "alice"), limits);

        int before = connections.connectionsFromAddress("203.0.113.5");
        refused(quota.decide(request("/ws/chat/8")), 429, ErrorCode.TOO_MANY_ROOMS);
        assertThat(connections.connectionsFromAddress("203.0.113.5")).as("no slot held").isEqualTo(before);
        accepted(quota.decide(request("/ws/chat/7")));
        String alice = TestTokens.valid("alice");
        refused(quota.decide(request("/ws/chat/8", Map.of("access_token", alice), Map.of())), 429, ErrorCode.TOO_MANY_ROOMS);
        accepted(quota.decide(request("/ws/chat/7", Map.of("access_token", alice), Map.of())));
        accepted(quota.decide(request("/ws/chat/8", Map.of("access_token", TestTokens.valid("bob")), Map.of())));
        // JSON endpoints join rooms later, by frame: their handshake is not concerned
        accepted(quota.decide(request("/ws/realtime")));
    }
}
