package io.roomcast.api;

import static io.roomcast.testsupport.StreamClients.offset;
import static io.roomcast.testsupport.StreamClients.offsets;
import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Deployments;
import io.roomcast.testsupport.StreamClients;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.Json;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code GET /api/rooms/{roomId}/history} (PROTOCOL 9.2): the history frame's answer over HTTP, with the
 * publish API's credential rules; this deployment refuses anonymous callers.
 */
class HistoryApiIT extends DeployedRoomcast {

    private static final int ROOM = 8001;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.roomcast(Map.of(
                "roomcast.heartbeat.interval", "30", "roomcast.heartbeat.timeout", "75",
                "roomcast.limits.rate", "100000", "roomcast.limits.burst", "100000",
                "roomcast.auth.anonymous", "false"));
    }

    private StreamClients clients;
    private String epoch;

    @BeforeEach
    void fiveMessages() throws Exception {
        clients = new StreamClients(server);
        JsonObject latest = WsClient.parse(get(ROOM + "/history?limit=1", TestTokens.valid("bob")).body());
        for (long i = offset(latest) + 1; i <= 5; i++) {
            clients.published("bob", ROOM, "h" + i);
        }
        epoch = WsClient.parse(get(ROOM + "/history?limit=1", TestTokens.valid("bob")).body()).getString("epoch");
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return server.get("api/rooms/" + path, token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
    }

    private JsonObject page(String query) throws Exception {
        HttpResponse<String> response = get(ROOM + "/history" + query, TestTokens.valid("reader"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
        return WsClient.parse(response.body());
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(WsClient.parse(response.body()).getString("error")).isEqualTo(code);
    }

    @Test
    void theNewestMessagesWithoutSinceAndCompleteWhenNothingWasLeftOut() throws Exception {
        JsonObject newest = page("?limit=2");
        assertThat(newest.getInt("room")).isEqualTo(ROOM);
        assertThat(newest.getString("epoch")).isEqualTo(epoch);
        assertThat(offset(newest)).isEqualTo(5);
        assertThat(offsets(newest)).containsExactly(4, 5);
        assertThat(newest.getBoolean("complete")).isFalse();
        assertThat(newest.containsKey("type")).isFalse();
        assertThat(newest.containsKey("ref")).isFalse();
        JsonObject message = newest.getJsonArray("messages").getJsonObject(0);
        assertThat(message.getString("type")).isEqualTo("message");
        assertThat(message.getString("text")).isEqualTo("h4");
        assertThat(message.getString("from")).isEqualTo("bob");

        JsonObject all = page("");
        assertThat(offsets(all)).containsExactly(1, 2, 3, 4, 5);
        assertThat(all.getBoolean("complete")).isTrue();
    }

    @Test
    void theOldestAfterSinceAndTheOldestKeptForAnotherEpoch() throws Exception {
        JsonObject after = page("?epoch=" + epoch + "&offset=2&limit=2");
        assertThat(offsets(after)).containsExactly(3, 4);
        assertThat(after.getBoolean("complete")).isFalse();
        JsonObject rest = page("?epoch=" + epoch + "&offset=3");
        assertThat(offsets(rest)).containsExactly(4, 5);
        assertThat(rest.getBoolean("complete")).isTrue();
        JsonObject otherEpoch = page("?epoch=other&offset=3&limit=2");
        assertThat(offsets(otherEpoch)).containsExactly(1, 2);
        assertThat(otherEpoch.getBoolean("complete")).isFalse();
    }

    @Test
    void theAnswerIsTheHistoryFramesWithoutTypeAndRef() throws Exception {
        JsonObject http = page("?epoch=" + epoch + "&offset=1&limit=3");
        try (WsClient reader = WsClient.connect(server.ws("ws/auth"),
                Map.of("Authorization", "Bearer " + TestTokens.valid("reader")))) {
            reader.awaitJson(type("welcome"));
            reader.send("{\"type\":\"history\",\"room\":" + ROOM + ",\"since\":" + StreamClients.since(epoch, 1)
                    + ",\"limit\":3,\"ref\":\"r\"}");
            JsonObject frame = reader.awaitJson(type("history"));
            JsonObjectBuilder withoutTypeAndRef = Json.createObjectBuilder(frame);
            withoutTypeAndRef.remove("type");
            withoutTypeAndRef.remove("ref");
            assertThat(http).isEqualTo(withoutTypeAndRef.build());
        }
    }

    @Test
    void aRoomNeverUsedHasAStreamFromItsFirstHistoryRequest() throws Exception {
        JsonObject empty = WsClient.parse(get("8002/history", TestTokens.valid("reader")).body());
        assertThat(empty.getString("epoch")).isNotBlank();
        assertThat(offset(empty)).isZero();
        assertThat(empty.getJsonArray("messages")).isEmpty();
        assertThat(empty.getBoolean("complete")).isTrue();
        JsonObject accepted = clients.published("bob", 8002, "first");
        assertThat(accepted.getString("epoch")).isEqualTo(empty.getString("epoch"));
        assertThat(offset(accepted)).isEqualTo(1);
    }

    @Test
    void credentialsAreCheckedLikeThePublishApis() throws Exception {
        assertError(get(ROOM + "/history", null), 401, "missing_credentials");
        assertError(get(ROOM + "/history?limit=0", null), 401, "missing_credentials");
        assertError(get(ROOM + "/history", "garbage"), 401, "invalid_credentials");
        assertError(get(ROOM + "/history", TestTokens.forRooms("erin", List.of(ROOM + 1))), 403, "forbidden_room");
        assertThat(get(ROOM + "/history", TestTokens.forRooms("erin", List.of(ROOM))).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "abc", "-1", "2147483648"})
    void anInvalidRoomIdIsInvalidParameterBeforeCredentials(String room) throws Exception {
        assertError(get(room + "/history", null), 400, "invalid_parameter");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "limit=0", "limit=1001", "limit=x", "limit=1.5", "limit=", "epoch=e", "offset=1", "epoch=&offset=1",
        "epoch=123456789012345678901234567890123&offset=1", "epoch=e&offset=-1", "epoch=e&offset=9007199254740992",
        "epoch=e&offset=abc", "epoch=e&offset=1.0"})
    void anInvalidLimitEpochOrOffsetIsInvalidParameter(String query) throws Exception {
        assertError(get(ROOM + "/history?" + query, TestTokens.valid("reader")), 400, "invalid_parameter");
    }

    @Test
    void theLargestLimitAndOffsetAreValid() throws Exception {
        assertThat(page("?limit=1000&epoch=" + epoch + "&offset=9007199254740991").getJsonArray("messages")).isEmpty();
    }
}
