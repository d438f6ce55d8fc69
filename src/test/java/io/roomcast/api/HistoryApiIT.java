package io.roomcast.api;

import static io.roomcast.testsupport.StreamClients.offset;
import static io.roomcast.testsupport.StreamClients.offsets;
import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.ProfileSettings;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.StreamClients;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.Json;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code GET /api/rooms/{roomId}/history} (PROTOCOL 9.2): the history frame's answer over HTTP, with the
 * publish API's credential rules (13.4); this deployment refuses anonymous callers. Answers are bounded
 * by a small {@code roomcast.history.answer-bytes} here (13.1), and a room without a stream is read
 * without creating one (13.3).
 */
@RoomcastServer(Profile.AUTH_JWKS)
class HistoryApiIT extends DeployedRoomcast {

    private static final int ROOM = 8001;
    /** Small enough that a few 1 KB messages fill an answer; the other tests' answers stay far below it. */
    private static final int ANSWER_BYTES = ProfileSettings.of(Profile.AUTH_JWKS).historyAnswerBytes();

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
            StreamClients.join(reader, ROOM); // history is for members (PROTOCOL 13.4)
            reader.send("{\"type\":\"history\",\"room\":" + ROOM + ",\"since\":" + StreamClients.since(epoch, 1)
                    + ",\"limit\":3,\"ref\":\"r\"}");
            JsonObject frame = reader.awaitJson(type("history"));
            JsonObjectBuilder withoutTypeAndRef = Json.createObjectBuilder(frame);
            withoutTypeAndRef.remove("type");
            withoutTypeAndRef.remove("ref");
            assertThat(http).isEqualTo(withoutTypeAndRef.build());
        }
    }

    /** PROTOCOL 13.3: a read of a room without a stream answers no stream and leaves none behind. */
    @Test
    void aHistoryReadOfARoomWithoutAStreamAnswersEpochNullAndCreatesNothing() throws Exception {
        long streams = server.metric("roomcast_streams");
        for (String query : List.of("", "?limit=1000", "?epoch=e&offset=3")) {
            HttpResponse<String> response = get("8002/history" + query, TestTokens.valid("reader"));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).as("twice the same: the first read created nothing")
                    .isEqualTo("{\"room\":8002,\"epoch\":null,\"offset\":0,\"messages\":[],\"complete\":true}");
        }
        assertThat(server.metric("roomcast_streams")).isEqualTo(streams);
        JsonObject accepted = clients.published("bob", 8002, "first");
        assertThat(accepted.getString("epoch")).as("the first publish creates the stream").isNotBlank();
        assertThat(offset(accepted)).isEqualTo(1);
        assertThat(server.metric("roomcast_streams")).isEqualTo(streams + 1);
        assertThat(page(8002, "").getString("epoch")).isEqualTo(accepted.getString("epoch"));
    }

    /**
     * PROTOCOL 13.1: messages of about 1 KB each, an answer of at most 4,096 bytes: the HTTP answer and
     * the frame hold as many as fit, the first that would pass the bound is left out with
     * {@code complete:false}, and paging on with {@code since} brings every message once.
     */
    @Test
    void aHistoryAnswerStopsAtAnswerBytesWithCompleteFalse() throws Exception {
        int room = 8010;
        for (int i = 1; i <= 7; i++) {
            clients.published("bob", room, String.valueOf(i).repeat(1000));
        }
        HttpResponse<String> response = get(room + "/history?limit=1000", TestTokens.valid("reader"));
        JsonObject first = WsClient.parse(response.body());
        assertThat(first.toString()).as("what the client received, byte for byte").isEqualTo(response.body());
        assertThat(utf8(response.body())).isLessThanOrEqualTo(ANSWER_BYTES);
        assertThat(offsets(first)).containsExactly(1, 2, 3);
        assertThat(first.getBoolean("complete")).isFalse();
        JsonObject fourth = page(room, "?epoch=" + first.getString("epoch") + "&offset=3&limit=1")
                .getJsonArray("messages").getJsonObject(0);
        assertThat(utf8(response.body()) + 1 + utf8(fourth.toString())).as("the fourth would have passed the bound")
                .isGreaterThan(ANSWER_BYTES);

        List<Long> all = new java.util.ArrayList<>();
        JsonObject answer = first;
        while (true) {
            for (long offset : offsets(answer)) {
                all.add(offset);
            }
            if (answer.getBoolean("complete")) {
                break;
            }
            answer = page(room, "?limit=1000&epoch=" + first.getString("epoch") + "&offset=" + all.get(all.size() - 1));
        }
        assertThat(all).as("paged with since: every message once").containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);

        try (WsClient reader = WsClient.connect(server.ws("ws/auth"),
                Map.of("Authorization", "Bearer " + TestTokens.valid("reader")))) {
            reader.awaitJson(type("welcome"));
            StreamClients.join(reader, room);
            reader.send("{\"type\":\"history\",\"room\":" + room + ",\"limit\":1000,\"ref\":\"r\"}");
            String frame = reader.nextText();
            while (frame.startsWith("{\"type\":\"heartbeat\"")) {
                frame = reader.nextText();
            }
            assertThat(utf8(frame)).isLessThanOrEqualTo(ANSWER_BYTES);
            JsonObject history = WsClient.parse(frame);
            assertThat(offsets(history)).containsExactly(1, 2, 3);
            assertThat(history.getBoolean("complete")).isFalse();
        }
    }

    /**
     * PROTOCOL 13.1: a message that alone passes the bound is still answered, one per page; and the
     * size counted is the JSON the client receives: control characters, one UTF-8 byte each in a chat
     * frame, are six bytes ({@code \u0001}) in the answer.
     */
    @Test
    void oneMessageIsAlwaysIncludedAndSizesAreMeasuredAsEncoded() throws Exception {
        int room = 8011;
        String controls = "\u0001".repeat(1000); // 1,000 bytes as sent, 6,000 in JSON
        try (WsClient chat = WsClient.connect(server.ws("ws/chat/" + room),
                Map.of("Authorization", "Bearer " + TestTokens.valid("guestlike")))) {
            chat.send(controls);
            chat.send(controls);
            assertThat(chat.linesBeforeEcho(room)).hasSize(2);
        }
        JsonObject first = page(room, "?limit=1000");
        assertThat(offsets(first)).containsExactly(1);
        assertThat(first.getBoolean("complete")).isFalse();
        assertThat(first.getJsonArray("messages").getJsonObject(0).getString("text")).isEqualTo(controls);
        JsonObject second = page(room, "?limit=1000&epoch=" + first.getString("epoch") + "&offset=1");
        assertThat(offsets(second)).containsExactly(2);
        assertThat(second.getBoolean("complete")).as("the chat client's fence line follows").isFalse();
        JsonObject third = page(room, "?limit=1000&epoch=" + first.getString("epoch") + "&offset=2");
        assertThat(offsets(third)).containsExactly(3);
        assertThat(third.getJsonArray("messages").getJsonObject(0).getString("text")).startsWith("fence-");
        assertThat(third.getBoolean("complete")).isTrue();
    }

    private JsonObject page(int room, String query) throws Exception {
        HttpResponse<String> response = get(room + "/history" + query, TestTokens.valid("reader"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return WsClient.parse(response.body());
    }

    private static int utf8(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
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
