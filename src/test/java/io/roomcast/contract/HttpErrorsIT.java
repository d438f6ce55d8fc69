package io.roomcast.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.FrameContract;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.ProfileSettings;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * docs/asyncapi.yaml's {@code HttpError} against a real server: every HTTP error the server answers is
 * provoked (here, or by the class named in {@link #PROVOKED_ELSEWHERE}) and its body must meet the schema,
 * so a code missing from {@code HttpErrorCode} fails. Every other integration test is held to the same
 * schema by the HTTP helpers ({@link FrameContract#requireDocumentedError}). Also the parts of the
 * document about handshakes and closes that no other class shows: {@code /ws/secure}'s credential
 * sources, and that a client's close is answered with its own code.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpErrorsIT extends DeployedRoomcast {

    private static final RoomcastSettings SETTINGS = ProfileSettings.of(Profile.DEFAULTS);
    private static final String FOREIGN_ORIGIN = "https://elsewhere.roomcast.test";
    /** Codes that no request to this profile's server provokes, and where each is provoked (and checked by the helpers). */
    private static final Map<String, String> PROVOKED_ELSEWHERE = Map.of(
            "too_many_connections", "handshake/HandshakeIT (3 connections per address)",
            "too_many_rooms", "room/RoomLimitsIT, connection/CrossConnectionLimitsIT (handshake 429)",
            "shutting_down", "connection/ShutdownIT (a handshake while draining)",
            "unavailable", "durable/DurableRoomsIT (a publish while the database is down)",
            "server_error", "api/HttpErrorCodesTest (anything unexpected: not provoked on purpose)",
            "forbidden", "api/HttpErrorCodesTest (a 403 of JAX-RS itself: no resource throws one)",
            "unsupported_media_type", "api/HttpErrorCodesTest (every resource consumes */*)",
            "bad_request", "api/HttpErrorCodesTest (another 4xx of JAX-RS itself)");

    /** The codes the tests of this class met, each checked against the schema. */
    private static final Set<String> SEEN = new ConcurrentSkipListSet<>();

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private static void assertDocumented(int actualStatus, String body, String request, int status, String code) {
        assertThat(actualStatus).as("%s: %s", request, body).isEqualTo(status);
        assertThat(FrameContract.httpErrors().violations(body)).as("%s: %s", request, body).isEmpty();
        assertThat(WsClient.parse(body).getString("error")).as(request).isEqualTo(code);
        SEEN.add(code);
    }

    private static void assertDocumented(HttpResponse<String> response, int status, String code) {
        assertDocumented(response.statusCode(), response.body(),
                response.request().method() + " " + response.request().uri().getRawPath(), status, code);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
    }

    private static void assertDocumented(RawWebSocket.Handshake answer, String path, int status, String code) {
        assertDocumented(answer.status(), answer.body(), "handshake " + path, status, code);
    }

    private RawWebSocket.Handshake handshake(String path, Map<String, String> headers) throws Exception {
        return RawWebSocket.handshake(server.ws(path), headers);
    }

    @Test
    @Order(1)
    void everyErrorOfTheHttpApiHasTheDocumentedBody() throws Exception {
        String publish = "api/rooms/23001/messages";
        Map<String, String> alice = Map.of("Authorization", bearer(TestTokens.valid("contract-alice")));

        assertDocumented(server.get("api/rooms/0/history", alice), 400, "invalid_parameter");
        assertDocumented(server.post(publish, "{\"text\":\"\"}", alice), 400, "invalid_message");
        assertDocumented(server.post(publish, "{\"text\":\"hi\"}", Map.of()), 401, "missing_credentials");
        assertDocumented(server.post(publish, "{\"text\":\"hi\"}", Map.of("Authorization", bearer("not.a.token"))),
                401, "invalid_credentials");
        assertDocumented(server.post(publish, "{\"text\":\"hi\"}",
                Map.of("Authorization", bearer(TestTokens.forRooms("contract-alice", List.of(1))))), 403, "forbidden_room");
        assertDocumented(server.get("api/no-such-resource"), 404, "not_found");
        assertDocumented(server.post("api/dev/tokens", "{\"user\":\"alice\"}", Map.of()), 404, "not_found");
        assertDocumented(server.send("DELETE", "api/status", Map.of()), 405, "method_not_allowed");
        assertDocumented(server.get("api/status", Map.of("Accept", "text/plain")), 406, "not_acceptable");
        String tooLong = "{\"text\":\"" + "x".repeat(SETTINGS.maxPublishBodyBytes()) + "\"}";
        assertDocumented(server.post(publish, tooLong, alice), 413, "too_large");
        assertDocumented(server.send("OPTIONS", "api/status",
                Map.of("Origin", FOREIGN_ORIGIN, "Access-Control-Request-Method", "GET")), 403, "forbidden_origin");
    }

    @Test
    @Order(1)
    void publishingOverTheRateOfAUserIsTheDocumented429() throws Exception {
        Map<String, String> rachel = Map.of("Authorization", bearer(TestTokens.valid("contract-rachel")));
        HttpResponse<String> last = null;
        // The burst, then the tokens refilled meanwhile: bounded, and the rate is far below what is sent.
        for (int i = 0; i < SETTINGS.rateBurst() * 4; i++) {
            last = server.post("api/rooms/23002/messages", "{\"text\":\"n" + i + "\"}", rachel);
            if (last.statusCode() != 202) {
                break;
            }
        }
        assertDocumented(last, 429, "rate_limited");
    }

    @Test
    @Order(1)
    void everyHandshakeRefusalHasTheDocumentedBody() throws Exception {
        assertDocumented(server.get("ws/chat/23003"), 426, "upgrade_required");
        assertDocumented(handshake("ws/chat/0", Map.of()), "ws/chat/0", 400, "invalid_parameter");
        assertDocumented(handshake("ws/auth", Map.of()), "ws/auth", 401, "missing_credentials");
        assertDocumented(handshake("ws/auth", Map.of("Authorization", bearer("not.a.token"))), "ws/auth", 401,
                "invalid_credentials");
        assertDocumented(handshake("ws/chat/23003", Map.of("Origin", FOREIGN_ORIGIN)), "ws/chat/23003", 403,
                "forbidden_origin");
        assertDocumented(handshake("ws/chat/23003",
                Map.of("Authorization", bearer(TestTokens.forRooms("contract-bob", List.of(1))))), "ws/chat/23003", 403,
                "forbidden_room");
        assertDocumented(handshake("ws/secure/23004", Map.of("Authorization", bearer(TestTokens.valid("contract-bob")))),
                "ws/secure/23004", 403, "forbidden_client");
    }

    @Test
    @Order(1)
    void handshakesOverTheRateOfAnAddressAreTheDocumented429() throws Exception {
        // A loopback address of its own, so that no other test's handshakes share its bucket.
        String from = "127.0.0.23";
        RawWebSocket.Handshake last = null;
        for (int i = 0; i < SETTINGS.handshakeBurst() * 4; i++) {
            last = RawWebSocket.handshake(server.ws("127.0.0.1", "ws/chat/0"), Map.of(), from);
            if (last.status() != 400) {
                break;
            }
        }
        assertDocumented(last, "ws/chat/0", 429, "rate_limited");
        assertThat(last.headers()).containsKey("retry-after");
    }

    @Test
    @Order(1)
    void theSecureEndpointTakesABearerHeaderOrAccessTokenAsWellAsToken() throws Exception {
        String token = TestTokens.forClients("contract-carol", List.of(23005));
        String query = URLEncoder.encode(token, StandardCharsets.UTF_8);
        Map<URI, Map<String, String>> sources = Map.of(
                server.ws("ws/secure/23005"), Map.of("Authorization", bearer(token)),
                server.ws("ws/secure/23005?access_token=" + query), Map.of(),
                server.ws("ws/secure/23005?token=" + query), Map.of());
        for (Map.Entry<URI, Map<String, String>> source : sources.entrySet()) {
            try (WsClient carol = WsClient.connect(source.getKey(), source.getValue())) {
                var welcome = carol.awaitJson(WsClient.type("welcome"));
                assertThat(welcome.getString("user")).isEqualTo("contract-carol");
                assertThat(welcome.getInt("clientId")).isEqualTo(23005);
            }
        }
    }

    @Test
    @Order(1)
    void aClientsCloseIsAnsweredWithItsOwnCode() throws Exception {
        for (int code : new int[] {1000, 4001}) {
            RawWebSocket.Handshake open = handshake("ws/chat/23006", Map.of());
            assertThat(open.status()).as(open.body()).isEqualTo(101);
            try (RawWebSocket socket = open.socket()) {
                byte[] payload = ByteBuffer.allocate(2).putShort((short) code).array();
                socket.sendFrame(0x8, payload, true, true);
                RawWebSocket.Frame answer = socket.awaitClose(Duration.ofSeconds(10));
                assertThat(answer.closeCode()).isEqualTo(code);
            }
        }
    }

    @Test
    @Order(2)
    void everyDocumentedCodeIsProvokedHereOrElsewhere() {
        Set<String> accounted = new TreeSet<>(SEEN);
        accounted.addAll(PROVOKED_ELSEWHERE.keySet());
        assertThat(SEEN).as("provoked here and also listed as elsewhere").doesNotContainAnyElementsOf(PROVOKED_ELSEWHERE.keySet());
        assertThat(accounted).isEqualTo(FrameContract.enumValues("HttpErrorCode"));
    }
}
