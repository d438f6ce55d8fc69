package io.roomcast.admin;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.FrameContract;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.Rooms;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/admin/overview} (PROTOCOL 3.5), the admin page's figures: for a token with
 * {@code "roomcast_admin": true} only, although this profile lets guests in everywhere else; the answer
 * meets asyncapi.yaml's {@code AdminOverview}. {@link Profile#QUIET} has rates out of the way (the slow
 * consumer's flood) and the shipped send-queue bounds; its classes run one after another, so the
 * counters' differences below are this class's own traffic.
 */
@RoomcastServer(Profile.QUIET)
class AdminOverviewIT extends DeployedRoomcast {

    private static final FrameContract OVERVIEW = FrameContract.load(
            Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "docs", "asyncapi.yaml"), "AdminOverview");
    private static final String PADDING = "p".repeat(16_000);
    private static final int MAX_LINES = 20_000;

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
        JsonObject body = WsClient.parse(response.body());
        assertThat(body.keySet()).containsExactlyInAnyOrder("error", "message");
        assertThat(body.getString("error")).isEqualTo(code);
        assertThat(body.getString("message")).isNotBlank();
    }

    private JsonObject overview() throws Exception {
        HttpResponse<String> response = server.withBearer(TestTokens.admin("ops")).get("api/admin/overview");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(OVERVIEW.violations(response.body())).as(response.body()).isEmpty();
        return WsClient.parse(response.body());
    }

    private static long refusals(JsonObject overview, String code) {
        return overview.getJsonObject("handshakeRefusals").getJsonNumber(code).longValue();
    }

    @Test
    void withoutATokenTheOverviewIs401MissingCredentialsThoughGuestsAreAllowed() throws Exception {
        assertError(server.get("api/admin/overview"), 401, "missing_credentials");
    }

    @Test
    void withAnInvalidTokenTheOverviewIs401InvalidCredentials() throws Exception {
        assertError(server.get("api/admin/overview", Map.of("Authorization", "Bearer garbage")), 401, "invalid_credentials");
        assertError(server.get("api/admin/overview", Map.of("Authorization", "Basic YWxpY2U6cHc=")), 401, "invalid_credentials");
        assertError(server.withBearer(TestTokens.with("mallory", c -> c.claim("roomcast_admin", "true")))
                .get("api/admin/overview"), 401, "invalid_credentials");
    }

    @Test
    void withAValidTokenWithoutTheAdminClaimTheOverviewIs403Forbidden() throws Exception {
        assertError(server.withBearer(TestTokens.valid("alice")).get("api/admin/overview"), 403, "forbidden");
        assertError(server.withBearer(TestTokens.with("alice", c -> c.claim("roomcast_admin", false)))
                .get("api/admin/overview"), 403, "forbidden");
    }

    @Test
    void anAdminSeesRoomsWithTheirMembersNamesAndTheMessagesAndDeliveries() throws Exception {
        int room = 23001;
        JsonObject before = overview();
        try (WsClient alice = WsClient.connect(server.ws("ws/chat/" + room + "?access_token=" + TestTokens.valid("alice")));
             WsClient bob = WsClient.connect(server.ws("ws/chat/" + room + "?access_token=" + TestTokens.valid("bob")));
             WsClient carol = WsClient.connect(server.ws("ws/auth"), Map.of("Authorization", "Bearer " + TestTokens.valid("carol")))) {
            carol.awaitJson(type("welcome"));
            carol.send("{\"type\":\"join\",\"room\":" + room + "}");
            carol.awaitJson(type("joined"));
            Rooms.awaitMembers(server, room, 3);
            for (int i = 0; i < 5; i++) {
                String line = "hello " + i;
                alice.send(line);
                assertThat(alice.nextText()).isEqualTo("Room " + room + ": " + line);
                assertThat(bob.nextText()).isEqualTo("Room " + room + ": " + line);
                carol.awaitJson(f -> "message".equals(f.getString("type")) && line.equals(f.getString("text")));
            }

            JsonObject after = overview();
            assertThat(after.getString("instance")).isEqualTo(server.status().getString("instance"));
            assertThat(after.getJsonNumber("connections").longValue()).isGreaterThanOrEqualTo(3);
            assertThat(after.getJsonArray("instances")).hasSize(1);
            assertThat(after.getJsonArray("instances").getJsonObject(0).getString("instance")).isEqualTo(after.getString("instance"));
            JsonObject row = after.getJsonArray("rooms").stream().map(JsonObject.class::cast)
                    .filter(r -> r.getInt("room") == room).findFirst().orElseThrow();
            assertThat(row.getInt("members")).isEqualTo(3);
            assertThat(row.getJsonArray("users").getValuesAs(JsonString::getString)).containsExactly("alice", "bob", "carol");
            assertThat(after.getJsonNumber("messagesIn").longValue() - before.getJsonNumber("messagesIn").longValue())
                    .as("5 lines and a join, at least").isGreaterThanOrEqualTo(6);
            assertThat(after.getJsonNumber("deliveries").longValue() - before.getJsonNumber("deliveries").longValue())
                    .as("5 lines to 3 members, at least").isGreaterThanOrEqualTo(15);
            assertThat(after.getJsonNumber("timestamp").longValue()).isGreaterThanOrEqualTo(before.getJsonNumber("timestamp").longValue());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> overview().getJsonArray("rooms").stream()
                .map(JsonObject.class::cast).noneMatch(r -> r.getInt("room") == room));
    }

    @Test
    void anAdminSeesHandshakeRefusalsByCode() throws Exception {
        JsonObject before = overview();
        assertThat(before.getJsonObject("handshakeRefusals").keySet()).contains("invalid_parameter", "missing_credentials",
                "invalid_credentials", "forbidden_origin", "too_many_connections", "rate_limited", "shutting_down");

        assertThat(RawWebSocket.handshake(server.ws("ws/auth"), Map.of()).status()).isEqualTo(401);
        assertThat(RawWebSocket.handshake(server.ws("ws/auth?access_token=garbage"), Map.of()).status()).isEqualTo(401);
        assertThat(RawWebSocket.handshake(server.ws("ws/auth"), Map.of("Authorization", "Bearer garbage")).status()).isEqualTo(401);
        assertThat(RawWebSocket.handshake(server.ws("ws/chat/0"), Map.of()).status()).isEqualTo(400);

        JsonObject after = overview();
        assertThat(refusals(after, "missing_credentials") - refusals(before, "missing_credentials")).isEqualTo(1);
        assertThat(refusals(after, "invalid_credentials") - refusals(before, "invalid_credentials")).isEqualTo(2);
        assertThat(refusals(after, "invalid_parameter") - refusals(before, "invalid_parameter")).isEqualTo(1);
        assertThat(refusals(after, "forbidden_origin")).isEqualTo(refusals(before, "forbidden_origin"));
    }

    @Test
    void anAdminSeesSlowConsumerCloses() throws Exception {
        int room = 23002;
        long closesBefore = overview().getJsonNumber("slowConsumerCloses").longValue();
        RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("ws/chat/" + room),
                Map.of("Authorization", "Bearer " + TestTokens.valid("slow-23002")));
        assertThat(answer.status()).isEqualTo(101);
        try (RawWebSocket slow = answer.socket();
             WsClient flooder = WsClient.connect(server.ws("ws/chat/" + room))) {
            Rooms.awaitMembers(server, room, 2);
            // The flooder reads each line back before the next: it is never slow itself. The raw member reads nothing.
            // The figures are read every 100 lines: the overflow comes after about a thousand on loopback.
            for (int i = 0; i < MAX_LINES && (i % 100 != 0 || Rooms.membersOf(server, room) == 2); i++) {
                flooder.send(i + " " + PADDING);
                assertThat(flooder.nextText()).startsWith("Room " + room + ": " + i + " ");
            }
            assertThat(Rooms.membersOf(server, room)).isEqualTo(1);
            assertThat(overview().getJsonNumber("slowConsumerCloses").longValue()).isEqualTo(closesBefore + 1);
            assertThat(flooder.isOpen()).isTrue();
        }
    }
}
