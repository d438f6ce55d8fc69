package io.roomcast.stream;

import static io.roomcast.testsupport.StreamClients.history;
import static io.roomcast.testsupport.StreamClients.join;
import static io.roomcast.testsupport.StreamClients.joinSince;
import static io.roomcast.testsupport.StreamClients.offset;
import static io.roomcast.testsupport.StreamClients.offsets;
import static io.roomcast.testsupport.StreamClients.since;
import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.ProfileSettings;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.StreamClients;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bounds of room streams (PROTOCOL 9): {@code roomcast.history.size} per room,
 * {@code roomcast.history.max-bytes} across all rooms, and the half of the send queue a recovery replay
 * may fill (docs section 8).
 */
@RoomcastServer(Profile.SMALL_BOUNDS)
class StreamLimitsIT extends DeployedRoomcast {

    private static final RoomcastSettings SETTINGS = ProfileSettings.of(Profile.SMALL_BOUNDS);
    private static final int SIZE = SETTINGS.historySize();
    private static final int SEND_QUEUE = SETTINGS.sendQueue();
    private static final long MAX_BYTES = SETTINGS.historyMaxBytes();

    private StreamClients clients;

    @BeforeEach
    void clients() {
        clients = new StreamClients(server);
    }

    /** Publishes messages 1..count into a fresh room and returns its epoch. */
    private String publish(int room, int count) throws Exception {
        String epoch = null;
        for (int i = 1; i <= count; i++) {
            epoch = clients.published("bob", room, "m" + i).getString("epoch");
        }
        return epoch;
    }

    @Test
    void aRoomKeepsOnlyItsLastSizeMessages() throws Exception {
        int room = 4001;
        publish(room, SIZE + 5);
        try (WsClient alice = clients.json("alice")) {
            join(alice, room);
            JsonObject newest = history(alice, "{\"type\":\"history\",\"room\":" + room + ",\"limit\":1000}");
            assertThat(offsets(newest)).containsExactly(LongStream.rangeClosed(6, SIZE + 5).toArray());
            assertThat(offset(newest)).isEqualTo(SIZE + 5);
            assertThat(newest.getBoolean("complete")).as("nothing kept was left out").isTrue();
        }
    }

    @Test
    void aSinceWhoseNextMessageIsNoLongerKeptIsTooOld() throws Exception {
        int room = 4002;
        String epoch = publish(room, SIZE + 5); // keeps 6..25
        try (WsClient alice = clients.json("alice")) {
            JsonObject joined = joinSince(alice, room, epoch, 4);
            assertThat(joined.getBoolean("recovered")).isFalse();
            assertThat(joined.getString("reason")).isEqualTo("too_old");
            assertThat(joined.getInt("missed")).isZero();
            assertThat(offset(joined)).isEqualTo(SIZE + 5);
            assertThat(alice.framesBeforePong()).as("nothing replayed").isEmpty();
        }
    }

    @Test
    void historyAfterASinceBelowTheOldestKeptIsIncomplete() throws Exception {
        int room = 4003;
        String epoch = publish(room, SIZE + 5); // keeps 6..25
        try (WsClient alice = clients.json("alice")) {
            join(alice, room);
            JsonObject dropped = history(alice, "{\"type\":\"history\",\"room\":" + room + ",\"since\":" + since(epoch, 4)
                    + ",\"limit\":1000}");
            assertThat(offsets(dropped)).startsWith(6).hasSize(SIZE);
            assertThat(dropped.getBoolean("complete")).as("message 5 was dropped").isFalse();

            JsonObject adjacent = history(alice, "{\"type\":\"history\",\"room\":" + room + ",\"since\":" + since(epoch, 5)
                    + ",\"limit\":1000}");
            assertThat(offsets(adjacent)).startsWith(6).hasSize(SIZE);
            assertThat(adjacent.getBoolean("complete")).isTrue();
        }
    }

    @Test
    void aReplayLargerThanHalfTheSendQueueIsPacedAndHalfIsQueuedAtOnce() throws Exception {
        int room = 4004;
        String epoch = publish(room, SIZE); // keeps 1..20; half the queue is 8 frames
        try (WsClient alice = clients.json("alice"); WsClient bob = clients.json("bob")) {
            JsonObject paced = joinSince(alice, room, epoch, 0);
            assertThat(paced.getBoolean("recovered")).as(paced.toString()).isTrue();
            assertThat(paced.getInt("missed")).isEqualTo(SIZE);
            for (long offset = 1; offset <= SIZE; offset++) {
                assertThat(offset(alice.nextJson())).as("the whole replay, in order, through a queue of "
                        + SEND_QUEUE).isEqualTo(offset);
            }
            assertThat(alice.framesBeforePong()).isEmpty();

            JsonObject half = joinSince(bob, room, epoch, SIZE - SEND_QUEUE / 2);
            assertThat(half.getBoolean("recovered")).isTrue();
            assertThat(half.getInt("missed")).isEqualTo(SEND_QUEUE / 2);
            for (long offset = SIZE - SEND_QUEUE / 2 + 1; offset <= SIZE; offset++) {
                assertThat(offset(bob.nextJson())).isEqualTo(offset);
            }
            assertThat(bob.framesBeforePong()).isEmpty();
        }
    }

    /** An HTTP history read with a token (guests are not answered: PROTOCOL 13.4). */
    private JsonObject page(int room, String query) throws Exception {
        return WsClient.parse(server.get("api/rooms/" + room + "/history" + query,
                Map.of("Authorization", "Bearer " + TestTokens.valid("reader"))).body());
    }

    /**
     * PROTOCOL 13.2: idempotency keys share {@code max-bytes} with the kept messages. Keyed publishes
     * into one room (which keeps only its last 20 messages) go on until their keys alone have passed the
     * bound several times over: the bound holds, the oldest key was forced out before its TTL (its
     * resend publishes again, at a new offset), the newest is still remembered.
     */
    @Test
    void deduplicationEntriesCountTowardsMaxBytesAndTheOldestIsForcedOutFirst() throws Exception {
        int room = 4100;
        JsonObject first = WsClient.parse(clients.publish("keyer", room, "k", "k-0000").body());
        String last = null;
        JsonObject lastAccepted = null;
        for (int i = 1; i < 1000; i++) {
            last = String.format("k-%04d", i);
            HttpResponse<String> response = clients.publish("keyer", room, "k", last);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            lastAccepted = WsClient.parse(response.body());
        }
        long bytes = server.metric("roomcast_history_bytes");
        assertThat(bytes).isLessThanOrEqualTo(MAX_BYTES).isGreaterThan(MAX_BYTES / 2);

        JsonObject newest = WsClient.parse(clients.publish("keyer", room, "again", last).body());
        assertThat(newest).as("the newest key is remembered").isEqualTo(lastAccepted);
        JsonObject oldest = WsClient.parse(clients.publish("keyer", room, "again", "k-0000").body());
        assertThat(oldest.getString("id")).as("forgotten before its TTL: published again").isNotEqualTo(first.getString("id"));
        assertThat(offset(oldest)).isEqualTo(offset(lastAccepted) + 1);
    }

    /**
     * Many rooms, each published once with a message of about 2 KB (as estimated): the kept bytes never
     * pass max-bytes, the least recently published rooms lost their messages (their streams and epochs
     * stay), the most recent ones kept theirs.
     */
    @Test
    void maxBytesHoldsAcrossManyRoomsAndTheLeastRecentlyPublishedRoomsGoFirst() throws Exception {
        int first = 5000;
        int rooms = 400;
        String text = "x".repeat(1000);
        String firstEpoch = null;
        for (int i = 0; i < rooms; i++) {
            JsonObject accepted = clients.published("bob", first + i, text);
            if (i == 0) {
                firstEpoch = accepted.getString("epoch");
            }
            if (i % 50 == 49) {
                assertThat(server.metric("roomcast_history_bytes")).as("after %d rooms", i + 1).isLessThanOrEqualTo(MAX_BYTES);
            }
        }
        long bytes = server.metric("roomcast_history_bytes");
        assertThat(bytes).isLessThanOrEqualTo(MAX_BYTES).as("the bound is reached, not merely respected")
                .isGreaterThan(MAX_BYTES / 2);
        assertThat(server.metric("roomcast_streams")).isGreaterThanOrEqualTo(rooms);

        JsonObject oldest = page(first, "?epoch=" + firstEpoch + "&offset=0");
        assertThat(oldest.getString("epoch")).as("the stream stays, only its messages went").isEqualTo(firstEpoch);
        assertThat(offset(oldest)).isEqualTo(1);
        assertThat(oldest.getJsonArray("messages")).isEmpty();
        assertThat(oldest.getBoolean("complete")).isFalse();
        for (int i = rooms - 30; i < rooms; i++) {
            JsonObject recent = page(first + i, "");
            assertThat(offsets(recent)).as("room %d", first + i).containsExactly(1);
        }
        try (WsClient alice = clients.json("alice")) {
            JsonObject joined = joinSince(alice, first, firstEpoch, 0);
            assertThat(joined.getString("reason")).isEqualTo("too_old");
            join(alice, first + rooms - 1);
        }
    }
}
