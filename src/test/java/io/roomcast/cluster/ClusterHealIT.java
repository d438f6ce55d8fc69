package io.roomcast.cluster;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.testsupport.Server;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A cluster heals after a long pause of one instance. Two Roomcast instances on loopback with
 * Hazelcast's member timeouts lowered; instance 2 is frozen (SIGSTOP) until instance 1's Hazelcast has
 * removed it, then resumed: Hazelcast merges the two halves again (a split-brain merge, which restarts
 * the merging member's node with a new member UUID), the instances exchange snapshots and take each
 * other back, and the shared room works across them again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterHealIT {

    /** Hazelcast removes a silent member after this; the freeze lasts at least as long. */
    private static final int NO_HEARTBEAT_SECONDS = 5;
    private static final Duration CLUSTER_WAIT = Duration.ofSeconds(60);
    /** Removal, resume, split-brain discovery and merge, snapshot exchange: generous for two busy cores. */
    private static final Duration HEAL_WAIT = Duration.ofSeconds(120);

    private List<ClusterMember> members;
    private ClusterMember first;
    private ClusterMember second;

    @BeforeAll
    void startTwoInstances() {
        Map<String, String> settings = Map.of(
                "roomcast.jwt.secret", TestTokens.SECRET,
                // The WebSocket clients of the frozen instance must outlive the freeze.
                "roomcast.heartbeat.interval", "5",
                "roomcast.heartbeat.timeout", "120",
                // Payara sets none of these, so its embedded Hazelcast reads them from the system properties.
                "hazelcast.heartbeat.interval.seconds", "1",
                "hazelcast.max.no.heartbeat.seconds", Integer.toString(NO_HEARTBEAT_SECONDS),
                "hazelcast.merge.first.run.delay.seconds", "5",
                "hazelcast.merge.next.run.delay.seconds", "5");
        members = ClusterMember.startCluster("cluster-heal-it", 2, settings);
        first = members.get(0);
        second = members.get(1);
        await().atMost(CLUSTER_WAIT).until(() -> first.instanceRows() == 2 && second.instanceRows() == 2);
    }

    @AfterAll
    void stopInstances() {
        if (members != null) {
            members.forEach(ClusterMember::close); // resumes a frozen one first
        }
    }

    @Test
    void anInstanceFrozenUntilTheOtherRemovedItIsTakenBackAndTheRoomHeals() throws Exception {
        int room = 701;
        Server one = first.server();
        Server two = second.server();
        try (WsClient alice = WsClient.connect(one.ws("ws/realtime"));
             WsClient bob = WsClient.connect(two.ws("ws/realtime"))) {
            String aliceName = alice.awaitJson(type("welcome")).getString("user");
            String bobName = bob.awaitJson(type("welcome")).getString("user");
            join(alice, room);
            join(bob, room);
            alice.awaitJson(presence("join", bobName));
            awaitMembersEverywhere(room, 2, CLUSTER_WAIT);

            second.freeze();
            try {
                JsonObject left = alice.awaitJson(presence("leave", bobName), CLUSTER_WAIT);
                assertThat(left.getInt("members")).isEqualTo(1);
                await().atMost(CLUSTER_WAIT).until(() -> first.instanceRows() == 1 && first.membersOf(room) == 1);
            } finally {
                second.thaw();
            }
            Instant resumed = Instant.now();

            // Instance 1 takes instance 2 back: its members return to the room, with presence.
            JsonObject back = alice.awaitJson(presence("join", bobName), HEAL_WAIT);
            assertThat(back.getInt("members")).isEqualTo(2);
            await().atMost(HEAL_WAIT).until(() -> first.instanceRows() == 2 && second.instanceRows() == 2);
            awaitMembersEverywhere(room, 2, HEAL_WAIT);
            System.out.println("ClusterHealIT: healed " + Duration.between(resumed, Instant.now()).toMillis()
                    + " ms after the resume");

            // And messages cross again, both ways.
            alice.send("{\"type\":\"message\",\"room\":" + room + ",\"text\":\"from alice\"}");
            assertThat(bob.awaitJson(message("from alice")).getString("from")).isEqualTo(aliceName);
            bob.send("{\"type\":\"message\",\"room\":" + room + ",\"text\":\"from bob\"}");
            assertThat(alice.awaitJson(message("from bob")).getString("from")).isEqualTo(bobName);
        }
    }


    private static JsonObject join(WsClient client, int room) throws Exception {
        client.send("{\"type\":\"join\",\"room\":" + room + "}");
        return client.awaitJson(type("joined"));
    }

    private void awaitMembersEverywhere(int room, int count, Duration wait) {
        await().atMost(wait).until(() -> first.membersOf(room) == count && second.membersOf(room) == count);
    }

    private static Predicate<JsonObject> presence(String event, String user) {
        return f -> "presence".equals(f.getString("type", "")) && event.equals(f.getString("event"))
                && user.equals(f.getString("user"));
    }

    private static Predicate<JsonObject> message(String text) {
        return f -> "message".equals(f.getString("type", "")) && text.equals(f.getString("text"));
    }


}
