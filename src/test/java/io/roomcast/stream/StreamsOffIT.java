package io.roomcast.stream;

import static io.roomcast.testsupport.StreamClients.history;
import static io.roomcast.testsupport.StreamClients.join;
import static io.roomcast.testsupport.StreamClients.joinSince;
import static io.roomcast.testsupport.StreamClients.send;
import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.StreamClients;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code roomcast.history.size=0} turns streams off (PROTOCOL 9): no offsets, nothing kept, recovery
 * always {@code disabled}; epoch and offset are null wherever they would appear (docs section 8).
 * Acks and de-duplication still work. The profile's frame rate is RateLimitIT's (1 a second, burst 10,
 * per connection and per publisher): a connection here sends at most 5 frames, a user publishes at most
 * 5 times.
 */
@RoomcastServer(Profile.STREAMS_OFF)
class StreamsOffIT extends DeployedRoomcast {

    private StreamClients clients;

    @BeforeEach
    void clients() {
        clients = new StreamClients(server);
    }

    @Test
    void messagesJoinedAndAcksCarryNoEpochOrOffset() throws Exception {
        int room = 7001;
        try (WsClient alice = clients.json("alice")) {
            JsonObject joined = join(alice, room);
            assertThat(joined.get("epoch")).isEqualTo(JsonValue.NULL);
            assertThat(joined.get("offset")).isEqualTo(JsonValue.NULL);
            assertThat(joined.getBoolean("recovered")).isFalse();
            assertThat(joined.getInt("missed")).isZero();
            assertThat(joined.containsKey("reason")).isFalse();

            send(alice, room, "hi", "a-1");
            JsonObject message = alice.nextJson();
            JsonObject ack = alice.nextJson();
            assertThat(message.getString("type")).isEqualTo("message");
            assertThat(message.get("epoch")).isEqualTo(JsonValue.NULL);
            assertThat(message.get("offset")).isEqualTo(JsonValue.NULL);
            assertThat(ack.getString("type")).isEqualTo("ack");
            assertThat(ack.getString("id")).isEqualTo(message.getString("id"));
            assertThat(ack.get("epoch")).isEqualTo(JsonValue.NULL);
            assertThat(ack.get("offset")).isEqualTo(JsonValue.NULL);
        }
    }

    @Test
    void aJoinWithSinceIsNotRecoveredDisabled() throws Exception {
        try (WsClient alice = clients.json("alice")) {
            JsonObject joined = joinSince(alice, 7002, "any", 3);
            assertThat(joined.getBoolean("recovered")).isFalse();
            assertThat(joined.getInt("missed")).isZero();
            assertThat(joined.getString("reason")).isEqualTo("disabled");
            assertThat(joined.get("epoch")).isEqualTo(JsonValue.NULL);
            assertThat(joined.get("offset")).isEqualTo(JsonValue.NULL);
            assertThat(alice.framesBeforePong()).isEmpty();
        }
    }

    @Test
    void historyIsEmptyAndCompleteWithNoEpoch() throws Exception {
        clients.published("bob", 7003, "not kept");
        try (WsClient alice = clients.json("alice")) {
            join(alice, 7003);
            JsonObject page = history(alice, "{\"type\":\"history\",\"room\":7003,\"ref\":\"h\"}");
            assertThat(page.get("epoch")).isEqualTo(JsonValue.NULL);
            assertThat(page.get("offset")).isEqualTo(JsonValue.NULL);
            assertThat(page.getJsonArray("messages")).isEmpty();
            assertThat(page.getBoolean("complete")).isTrue();
            assertThat(page.getString("ref")).isEqualTo("h");
        }
        HttpResponse<String> response = server.get("api/rooms/7003/history?limit=5",
                Map.of("Authorization", "Bearer " + TestTokens.valid("reader")));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject page = WsClient.parse(response.body());
        assertThat(page.get("epoch")).isEqualTo(JsonValue.NULL);
        assertThat(page.getJsonArray("messages")).isEmpty();
    }

    @Test
    void publishesAreStillDeduplicatedWithoutOffsets() throws Exception {
        int room = 7004;
        try (WsClient alice = clients.json("alice")) {
            join(alice, room);
            HttpResponse<String> first = clients.publish("backend", room, "once", "key-1");
            HttpResponse<String> again = clients.publish("backend", room, "once", "key-1");
            JsonObject accepted = WsClient.parse(first.body());
            assertThat(first.statusCode()).isEqualTo(202);
            assertThat(accepted.get("epoch")).isEqualTo(JsonValue.NULL);
            assertThat(accepted.get("offset")).isEqualTo(JsonValue.NULL);
            assertThat(WsClient.parse(again.body())).isEqualTo(accepted);
            assertThat(alice.nextJson().getString("id")).isEqualTo(accepted.getString("id"));
            assertThat(alice.framesBeforePong()).isEmpty();

            send(alice, room, "ws", "r-1");
            JsonObject firstAck = alice.awaitJson(type("ack"));
            send(alice, room, "ws again", "r-1");
            assertThat(alice.nextJson()).isEqualTo(firstAck);
            assertThat(alice.framesBeforePong()).isEmpty();
        }
    }

    /** No message is kept: a publish without a key leaves the gauges as they were (keys: see below). */
    @Test
    void nothingIsKeptSoTheGaugesStayAtZero() throws Exception {
        long keys = server.metric("roomcast_history_bytes");
        clients.published("bob", 7005, "not kept");
        assertThat(server.metric("roomcast_history_bytes")).isEqualTo(keys);
        assertThat(server.metric("roomcast_streams")).isZero();
    }

    /**
     * PROTOCOL 13.2: an idempotency key keeps its publish's id (and epoch and offset: null here), never
     * its text, and counts in {@code roomcast_history_bytes} (what {@code max-bytes} bounds): a keyed
     * publish of a 60,000-character text adds a few hundred bytes, the same as a one-character one.
     */
    @Test
    void aDeduplicationEntryKeepsNoTextButCountsTowardsHistoryBytes() throws Exception {
        long before = server.metric("roomcast_history_bytes");
        HttpResponse<String> first = clients.publish("backend", 7006, "x".repeat(60_000), "key-large");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        long large = server.metric("roomcast_history_bytes") - before;
        assertThat(clients.publish("backend", 7006, "y", "key-small").statusCode()).isEqualTo(202);
        long small = server.metric("roomcast_history_bytes") - before - large;
        assertThat(large).as("the key counts").isPositive().isLessThan(1_000).isEqualTo(small);
        assertThat(WsClient.parse(clients.publish("backend", 7006, "resent", "key-large").body()).getString("id"))
                .isEqualTo(WsClient.parse(first.body()).getString("id"));
    }
}
