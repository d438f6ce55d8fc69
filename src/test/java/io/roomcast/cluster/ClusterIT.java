package io.roomcast.cluster;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.testsupport.LeftoverProcesses;
import io.roomcast.testsupport.Server;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two Roomcast instances on loopback, clustered through Payara's Hazelcast, behave as one server:
 * messages both ways in order, cluster-wide presence and figures, direct messages across instances,
 * and the members of an instance that dies leave the rooms of the survivor. The kill comes last.
 *
 * <p>Clustering is explicit and authenticated (PROTOCOL 13.10): the same Hazelcast cluster also holds a
 * third instance without {@code roomcast.cluster.secret} and a fourth with another secret. Neither shares
 * a room with the two, and the fourth's bus events are dropped and counted by them (and theirs by it).
 * The two form a cluster of size 2, so the survivor of the kill has no majority and refuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(LeftoverProcesses.AtEnd.class)
class ClusterIT {

    /** Heartbeat timeout of the instances: the bound for a lost instance's members to leave. */
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLUSTER_WAIT = Duration.ofSeconds(60);

    private static final String OTHER_SECRET = "another cluster's secret, also 32 bytes";
    /** The line an instance without the secret logs, once. */
    private static final String NO_SECRET_LINE = "roomcast.cluster.secret is not set";

    private List<ClusterMember> members;
    private Server one;
    private Server two;
    private ClusterMember first;
    private ClusterMember second;
    /** In the same Hazelcast cluster, without roomcast.cluster.secret. */
    private ClusterMember unclustered;
    /** In the same Hazelcast cluster, with another secret (a cluster of one). */
    private ClusterMember stranger;

    @BeforeAll
    void startTwoInstancesAndTwoOutsiders() {
        Map<String, String> settings = Map.of(
                "roomcast.jwt.secret", TestTokens.SECRET,
                "roomcast.heartbeat.interval", "2",
                "roomcast.heartbeat.timeout", Long.toString(HEARTBEAT_TIMEOUT.toSeconds()),
                "roomcast.shutdown.grace", "0"); // stopped at the end: no drain to wait for
        Map<String, String> otherSecret = new java.util.HashMap<>(settings);
        otherSecret.put("roomcast.cluster.secret", OTHER_SECRET);
        otherSecret.put("roomcast.cluster.size", "1");
        members = ClusterMember.startGrid("cluster-it", List.of(ClusterMember.clustered(2, settings),
                ClusterMember.clustered(2, settings), settings, otherSecret));
        first = members.get(0);
        second = members.get(1);
        unclustered = members.get(2);
        stranger = members.get(3);
        one = first.server();
        two = second.server();
        // Both instances see both rows once the bus is up on each.
        await().atMost(CLUSTER_WAIT).until(() -> first.instanceRows() == 2 && second.instanceRows() == 2);
    }

    @AfterAll
    void stopInstances() {
        if (members != null) {
            members.forEach(ClusterMember::close);
        }
    }

    @Test
    @Order(1)
    void messagesCrossInstancesInOrderBothWaysWithoutDuplicates() throws Exception {
        int room = 601;
        int perSender = 30;
        try (WsClient alice = WsClient.connect(one.ws("ws/realtime"));
             WsClient bob = WsClient.connect(two.ws("ws/realtime"));
             WsClient chat = WsClient.connect(two.ws("ws/chat/" + room))) {
            join(alice, room);
            join(bob, room);
            awaitMembersEverywhere(room, 3);

            for (int i = 0; i < perSender; i++) {
                alice.send("{\"type\":\"message\",\"room\":" + room + ",\"text\":\"a" + i + "\",\"ref\":\"a" + i + "\"}");
                bob.send("{\"type\":\"message\",\"room\":" + room + ",\"text\":\"b" + i + "\",\"ref\":\"b" + i + "\"}");
            }

            for (WsClient client : List.of(alice, bob)) {
                List<JsonObject> messages = new ArrayList<>();
                for (int i = 0; i < 2 * perSender; i++) {
                    messages.add(client.awaitJson(type("message")));
                }
                assertInOrder(messages.stream().map(m -> m.getString("text")).toList(), perSender);
                assertThat(messages.stream().map(m -> m.getString("id")).distinct()).hasSize(2 * perSender);
                assertThat(framesWithin(client, Duration.ofSeconds(2)))
                        .as("nothing delivered twice").noneMatch(type("message"));
            }
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 2 * perSender; i++) {
                lines.add(chat.nextText());
            }
            assertInOrder(lines.stream().map(l -> l.substring(("Room " + room + ": ").length())).toList(), perSender);
        }
    }

    @Test
    @Order(2)
    void presenceAndMemberCountsAreClusterWide() throws Exception {
        int room = 602;
        try (WsClient alice = WsClient.connect(one.ws("ws/realtime"));
             WsClient bob = WsClient.connect(two.ws("ws/realtime"))) {
            String aliceName = alice.awaitJson(type("welcome")).getString("user");
            String bobName = bob.awaitJson(type("welcome")).getString("user");
            assertThat(bobName).as("guest names are unique across instances").isNotEqualTo(aliceName);
            assertThat(join(alice, room).getInt("members")).isEqualTo(1);
            awaitMembersEverywhere(room, 1);

            assertThat(join(bob, room).getInt("members")).isEqualTo(2);
            JsonObject joined = alice.awaitJson(presence("join", bobName));
            assertThat(joined.getInt("members")).isEqualTo(2);

            bob.send("{\"type\":\"leave\",\"room\":" + room + "}");
            bob.awaitJson(type("left"));
            JsonObject left = alice.awaitJson(presence("leave", bobName));
            assertThat(left.getInt("members")).isEqualTo(1);
        }
    }

    @Test
    @Order(3)
    void statusIsClusterWideWithARowPerInstance() throws Exception {
        int room = 603;
        try (WsClient a = WsClient.connect(one.ws("ws/chat/" + room));
             WsClient b = WsClient.connect(two.ws("ws/chat/" + room));
             WsClient c = WsClient.connect(two.ws("ws/chat/" + room));
             WsClient status = WsClient.connect(one.ws("ws/status"))) {
            awaitMembersEverywhere(room, 3);
            await().atMost(CLUSTER_WAIT).untilAsserted(() -> {
                for (ClusterMember member : List.of(first, second)) {
                    JsonObject body = member.status();
                    List<JsonObject> rows = body.getJsonArray("instances").getValuesAs(JsonObject.class);
                    assertThat(rows).hasSize(2);
                    assertThat(rows.get(0).getString("instance")).isEqualTo(body.getString("instance"));
                    int sum = rows.stream().mapToInt(r -> r.getInt("connections")).sum();
                    assertThat(body.getInt("connections")).isEqualTo(sum);
                    assertThat(rows).allSatisfy(r -> assertThat(r.getInt("connections")).isPositive());
                    assertThat(sum).isGreaterThanOrEqualTo(4);
                }
            });
            JsonObject frame = status.awaitJson(f -> "status".equals(f.getString("type", ""))
                    && f.getJsonArray("instances").size() == 2 && f.getInt("rooms") >= 1
                    && f.getInt("connections") >= 4);
            assertThat(frame.getJsonArray("instances").getValuesAs(JsonObject.class))
                    .allSatisfy(r -> assertThat(r.getInt("connections")).isPositive());
        }
    }

    @Test
    @Order(4)
    void directMessagesReachAClientIdOnTheOtherInstance() throws Exception {
        String token = TestTokens.forClients("carol", List.of(4242));
        try (WsClient target = WsClient.connect(two.ws("ws/secure/4242?token=" + token));
             WsClient sender = WsClient.connect(one.ws("ws/realtime"))) {
            target.awaitJson(type("welcome"));
            sender.awaitJson(type("welcome"));
            // The sender's instance learns of client 4242 over the bus: until then the answer is not_found.
            await().atMost(CLUSTER_WAIT).untilAsserted(() -> {
                sender.send("{\"type\":\"direct\",\"to\":4242,\"text\":\"probe\"}");
                assertThat(framesWithin(target, Duration.ofSeconds(2))).anyMatch(type("direct"));
            });
            sender.drainTexts();
            sender.send("{\"type\":\"direct\",\"to\":4242,\"text\":\"hello across\"}");
            JsonObject direct = target.awaitJson(type("direct"));
            assertThat(direct.getString("text")).isEqualTo("hello across");
            assertThat(direct.getString("from")).startsWith("guest-");
            assertThat(framesWithin(sender, Duration.ofSeconds(1))).noneMatch(type("error"));
        }
    }

    @Test
    @Order(5)
    void anInstanceWithoutTheClusterSecretSharesNoRoomEvenInTheSameHazelcastClusterAndSaysSoOnce() throws Exception {
        int room = 606;
        try (WsClient alice = WsClient.connect(one.ws("ws/realtime"));
             WsClient bob = WsClient.connect(two.ws("ws/realtime"));
             WsClient carol = WsClient.connect(unclustered.server().ws("ws/realtime"))) {
            join(alice, room);
            join(bob, room);
            awaitMembersEverywhere(room, 2);
            assertThat(join(carol, room).getInt("members")).as("carol alone in her room").isEqualTo(1);

            alice.send("{\"type\":\"message\",\"room\":" + room + ",\"text\":\"from one\"}");
            // bob's copy crossed the bus: had carol's instance been listening, hers would have too
            bob.awaitJson(message("from one"));
            assertThat(carol.framesBeforePong()).as("nothing of the cluster reaches carol").isEmpty();

            carol.send("{\"type\":\"message\",\"room\":" + room + ",\"text\":\"from three\",\"ref\":\"c1\"}");
            assertThat(carol.awaitJson(type("ack")).getString("ref")).isEqualTo("c1");
            assertThat(alice.framesBeforePong()).noneMatch(f -> f.contains("from three"));

            assertThat(unclustered.status().getJsonArray("instances")).hasSize(1);
            assertThat(first.instanceRows()).isEqualTo(2);
            assertThat(first.membersOf(room)).isEqualTo(2);
            assertThat(unclustered.membersOf(room)).isEqualTo(1);
            assertThat(unclustered.logLinesContaining(NO_SECRET_LINE)).as("said once").isEqualTo(1);
            assertThat(first.logLinesContaining(NO_SECRET_LINE)).isZero();
        }
    }

    @Test
    @Order(6)
    void busEventsSealedWithAnotherSecretAreDroppedAndCountedAndShareNothing() throws Exception {
        int room = 607;
        try (WsClient alice = WsClient.connect(one.ws("ws/realtime"));
             WsClient dave = WsClient.connect(stranger.server().ws("ws/realtime"))) {
            join(alice, room);
            assertThat(join(dave, room).getInt("members")).isEqualTo(1);
            // the stranger's own events (figures, snapshots) already reached the cluster and were dropped
            await().atMost(CLUSTER_WAIT).until(() -> rejected(first) > 0 && rejected(second) > 0 && rejected(stranger) > 0);

            long before = rejected(first);
            dave.send("{\"type\":\"message\",\"room\":" + room + ",\"text\":\"from four\",\"ref\":\"d1\"}");
            assertThat(dave.awaitJson(type("ack")).getJsonNumber("offset").longValue())
                    .as("the stranger's own stream").isEqualTo(1);
            // its message event reached instance 1 and was dropped there, not delivered
            await().atMost(CLUSTER_WAIT).until(() -> rejected(first) > before);
            assertThat(alice.framesBeforePong()).noneMatch(f -> f.contains("from four"));

            long strangerBefore = rejected(stranger);
            alice.send("{\"type\":\"message\",\"room\":" + room + ",\"text\":\"from one\",\"ref\":\"a1\"}");
            assertThat(alice.awaitJson(type("ack")).getJsonNumber("offset").longValue())
                    .as("the cluster's stream, not shared with the stranger").isEqualTo(1);
            await().atMost(CLUSTER_WAIT).until(() -> rejected(stranger) > strangerBefore);
            assertThat(dave.framesBeforePong()).noneMatch(f -> f.contains("from one"));

            assertThat(stranger.status().getJsonArray("instances")).hasSize(1);
            assertThat(first.instanceRows()).isEqualTo(2);
            assertThat(first.membersOf(room)).isEqualTo(1);
            assertThat(rejected(unclustered)).as("an instance without the secret does not even listen").isZero();
        }
    }

    @Test
    @Order(7)
    void whenAnInstanceDiesItsMembersLeaveAndTheSurvivorWithoutAMajorityRefusesWithUnavailable() throws Exception {
        int room = 605;
        try (WsClient watcher = WsClient.connect(one.ws("ws/realtime"))) {
            join(watcher, room);
            WsClient doomed = WsClient.connect(two.ws("ws/realtime"));
            String doomedName = doomed.awaitJson(type("welcome")).getString("user");
            join(doomed, room);
            watcher.awaitJson(presence("join", doomedName));
            watcher.send("{\"type\":\"message\",\"room\":" + room + ",\"text\":\"before\",\"ref\":\"w1\"}");
            assertThat(watcher.awaitJson(type("ack")).getJsonNumber("offset").longValue()).isEqualTo(1);

            members.get(1).kill();

            JsonObject left = watcher.awaitJson(presence("leave", doomedName), HEARTBEAT_TIMEOUT);
            assertThat(left.getInt("members")).isEqualTo(1);
            doomed.close();
            await().atMost(CLUSTER_WAIT).until(() -> first.instanceRows() == 1);
            assertThat(first.membersOf(room)).isEqualTo(1);

            // One of roomcast.cluster.size=2 is no majority (the Hazelcast cluster still has the two
            // outsiders, which hold no secret of this cluster): nothing is published or joined.
            watcher.send("{\"type\":\"message\",\"room\":" + room + ",\"text\":\"alone\",\"ref\":\"w2\"}");
            JsonObject refused = watcher.awaitJson(type("error"), CLUSTER_WAIT);
            assertThat(refused.getString("code")).isEqualTo("unavailable");
            assertThat(refused.getString("ref")).isEqualTo("w2");
            int fresh = 608; // no member here yet: joining it needs its stream
            try (WsClient late = WsClient.connect(one.ws("ws/realtime"))) {
                late.send("{\"type\":\"join\",\"room\":" + fresh + ",\"ref\":\"j1\"}");
                JsonObject joinRefused = late.awaitJson(type("error"), CLUSTER_WAIT);
                assertThat(joinRefused.getString("code")).isEqualTo("unavailable");
                assertThat(joinRefused.getString("ref")).isEqualTo("j1");
            }
            HttpResponse<String> published = one.post("api/rooms/" + room + "/messages", "{\"text\":\"over http\"}",
                    Map.of("Authorization", "Bearer " + TestTokens.valid("erin")));
            assertThat(published.statusCode()).isEqualTo(503);
            assertThat(WsClient.parse(published.body()).getString("error")).isEqualTo("unavailable");
            assertThat(published.headers().firstValue("Retry-After")).isPresent();
            try (WsClient chat = WsClient.connect(one.ws("ws/chat/" + fresh))) {
                CloseReason closed = chat.awaitClose(CLUSTER_WAIT);
                assertThat(closed.getCloseCode().getCode()).isEqualTo(1013);
                assertThat(closed.getReasonPhrase()).isEqualTo("unavailable");
            }
            assertThat(watcher.framesBeforePong()).as("nothing was published").noneMatch(f -> f.contains("alone"));
        }
    }

    private static long rejected(ClusterMember member) throws Exception {
        return member.server().metric("roomcast_cluster_rejected_total");
    }

    private static Predicate<JsonObject> message(String text) {
        return f -> "message".equals(f.getString("type", "")) && text.equals(f.getString("text"));
    }

    /** Every JSON frame the client receives within the wait. */
    private static List<JsonObject> framesWithin(WsClient client, Duration wait) {
        List<JsonObject> frames = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        String text;
        while ((text = client.nextTextOrNull(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) != null) {
            frames.add(WsClient.parse(text));
        }
        return frames;
    }


    private static JsonObject join(WsClient client, int room) throws Exception {
        client.send("{\"type\":\"join\",\"room\":" + room + "}");
        return client.awaitJson(type("joined"));
    }

    private void awaitMembersEverywhere(int room, int count) {
        await().atMost(CLUSTER_WAIT).until(() -> first.membersOf(room) == count && second.membersOf(room) == count);
    }

    private static Predicate<JsonObject> presence(String event, String user) {
        return f -> "presence".equals(f.getString("type", "")) && event.equals(f.getString("event"))
                && user.equals(f.getString("user"));
    }



    /** Each sender's texts (a0, a1, ... and b0, b1, ...) appear in the order sent, each exactly once. */
    private static void assertInOrder(List<String> texts, int perSender) {
        for (String prefix : List.of("a", "b")) {
            List<String> own = texts.stream().filter(t -> t.startsWith(prefix)).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perSender; i++) {
                expected.add(prefix + i);
            }
            assertThat(own).isEqualTo(expected);
        }
    }
}
