package io.roomcast.stream;

import static io.roomcast.testsupport.StreamClients.join;
import static io.roomcast.testsupport.StreamClients.joinSince;
import static io.roomcast.testsupport.StreamClients.offset;
import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Deployments;
import io.roomcast.testsupport.StreamClients;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code roomcast.history.ttl} (PROTOCOL 9): messages and idempotency keys are kept for the TTL after
 * each was published; a stream whose messages all expired is dropped only while its room has no
 * members, and the next one gets a new epoch.
 */
class StreamExpiryIT extends DeployedRoomcast {

    private static final Duration EXPIRED = Duration.ofSeconds(20);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.roomcast(Map.of(
                "roomcast.heartbeat.interval", "30", "roomcast.heartbeat.timeout", "75",
                "roomcast.limits.rate", "100000", "roomcast.limits.burst", "100000",
                "roomcast.history.ttl", "1"));
    }

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
        await().atMost(EXPIRED).until(() -> !first.equals(page(room).getString("epoch")));

        JsonObject next = clients.published("bob", room, "again");
        assertThat(next.getString("epoch")).isNotEqualTo(first);
        assertThat(offset(next)).as("a new stream starts at 1").isEqualTo(1);
        try (WsClient alice = clients.json("alice")) {
            JsonObject joined = joinSince(alice, room, first, 1);
            assertThat(joined.getBoolean("recovered")).isFalse();
            assertThat(joined.getString("reason")).isEqualTo("epoch_changed");
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
