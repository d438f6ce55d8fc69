package io.roomcast.stream;

import static io.roomcast.testsupport.StreamClients.join;
import static io.roomcast.testsupport.StreamClients.joinSince;
import static io.roomcast.testsupport.StreamClients.offset;
import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.StreamClients;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code roomcast.history.ttl} (PROTOCOL 9): messages and idempotency keys are kept for the TTL after
 * each was published; a stream whose messages all expired is dropped only while its room has no
 * members, and the next one gets a new epoch. This profile also answers guests' HTTP history reads
 * ({@code roomcast.history.anonymous=true}, PROTOCOL 13.4).
 */
@RoomcastServer(Profile.EXPIRING_HISTORY)
class StreamExpiryIT extends DeployedRoomcast {

    private static final Duration EXPIRED = Duration.ofSeconds(20);

    private StreamClients clients;

    @BeforeEach
    void clients() {
        clients = new StreamClients(server);
    }

    private JsonObject page(int room) throws Exception {
        return WsClient.parse(server.get("api/rooms/" + room + "/history").body());
    }

    @Test
    void aStreamOfARoomWithMembersKeepsItsEpochAndOffsetWhenItsMessagesExpire() throws Exception {
        int room = 6001;
        try (WsClient alice = clients.json("alice")) {
            String epoch = join(alice, room).getString("epoch");
            clients.published("bob", room, "soon gone");
            alice.awaitJson(type("message"));
            await().atMost(EXPIRED).until(() -> page(room).getJsonArray("messages").isEmpty());
            JsonObject expired = page(room);
            assertThat(expired.getString("epoch")).isEqualTo(epoch);
            assertThat(offset(expired)).isEqualTo(1);

            JsonObject next = clients.published("bob", room, "next");
            assertThat(next.getString("epoch")).isEqualTo(epoch);
            assertThat(offset(next)).isEqualTo(2);
            assertThat(offset(alice.awaitJson(type("message")))).isEqualTo(2);
        }
    }

    @Test
    void aSinceWhoseMessagesExpiredIsTooOld() throws Exception {
        int room = 6002;
        try (WsClient alice = clients.json("alice"); WsClient bob = clients.json("bob")) {
            String epoch = join(alice, room).getString("epoch");
            clients.published("carol", room, "soon gone");
            await().atMost(EXPIRED).until(() -> page(room).getJsonArray("messages").isEmpty());
            JsonObject joined = joinSince(bob, room, epoch, 0);
            assertThat(joined.getBoolean("recovered")).isFalse();
            assertThat(joined.getString("reason")).isEqualTo("too_old");
            assertThat(joined.getString("epoch")).isEqualTo(epoch);
        }
    }

    @Test
    void anExpiredStreamOfARoomWithoutMembersGetsANewEpoch() throws Exception {
        int room = 6003;
        String first = clients.published("bob", room, "alone").getString("epoch");
        await().atMost(EXPIRED).until(() -> page(room).isNull("epoch"));
        JsonObject gone = page(room);
        assertThat(offset(gone)).as("no stream: offset 0 (PROTOCOL 13.3)").isZero();
        assertThat(gone.getJsonArray("messages")).isEmpty();
        assertThat(gone.getBoolean("complete")).isTrue();

        JsonObject next = clients.published("bob", room, "again");
        assertThat(next.getString("epoch")).isNotEqualTo(first);
        assertThat(offset(next)).as("a new stream starts at 1").isEqualTo(1);
        try (WsClient alice = clients.json("alice")) {
            JsonObject joined = joinSince(alice, room, first, 1);
            assertThat(joined.getBoolean("recovered")).isFalse();
            assertThat(joined.getString("reason")).isEqualTo("epoch_changed");
        }
    }

    /** PROTOCOL 13.4: with {@code roomcast.history.anonymous=true} a guest (no token) reads HTTP history. */
    @Test
    void historyOverHttpAnswersGuestsWhenHistoryAnonymousIsOn() throws Exception {
        int room = 6005;
        try (WsClient alice = clients.json("alice")) {
            join(alice, room);
            JsonObject accepted = clients.published("bob", room, "for everyone");
            HttpResponse<String> response = server.get("api/rooms/" + room + "/history");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonObject page = WsClient.parse(response.body());
            assertThat(page.getString("epoch")).isEqualTo(accepted.getString("epoch"));
            assertThat(offset(page)).isEqualTo(1); // (the message itself may have expired already: ttl 1 s)
            HttpResponse<String> invalid = server.get("api/rooms/" + room + "/history",
                    Map.of("Authorization", "Bearer garbage"));
            assertThat(invalid.statusCode()).as("a token, when given, must be valid").isEqualTo(401);
        }
    }

    @Test
    void anIdempotencyKeyIsForgottenAfterTheTtl() throws Exception {
        int room = 6004;
        try (WsClient alice = clients.json("alice")) {
            join(alice, room);
            HttpResponse<String> first = clients.publish("bob", room, "keyed", "k-1");
            String firstId = WsClient.parse(first.body()).getString("id");
            await().atMost(EXPIRED).until(() -> !firstId.equals(
                    WsClient.parse(clients.publish("bob", room, "keyed", "k-1").body()).getString("id")));
            assertThat(alice.awaitJson(type("message")).getString("id")).isEqualTo(firstId);
            assertThat(alice.awaitJson(type("message")).getString("id")).as("published again after the TTL")
                    .isNotEqualTo(firstId);
        }
    }
}
