package io.roomcast.cluster;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.testsupport.Server;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
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

/**
 * Two Roomcast instances on loopback, clustered through Payara's Hazelcast, behave as one server:
 * messages both ways in order, cluster-wide presence and figures, direct messages across instances,
 * and the members of an instance that dies leave the rooms of the survivor. The kill comes last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    /** Heartbeat timeout of the instances: the bound for a lost instance's members to leave. */
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLUSTER_WAIT = Duration.ofSeconds(60);

    private List<ClusterMember> members;
    private Server one;
    private Server two;
    private ClusterMember first;
    private ClusterMember second;

    @BeforeAll
    void startTwoInstances() {
        Map<String, String> settings = Map.of(
                "roomcast.jwt.secret", TestTokens.SECRET,
                "roomcast.heartbeat.interval", "2",
                "roomcast.heartbeat.timeout", Long.toString(HEARTBEAT_TIMEOUT.toSeconds()));
        members = ClusterMember.startCluster("cluster-it", 2, settings);
        first = members.get(0);
        second = members.get(1);
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
    void whenAnInstanceDiesItsMembersLeaveOnTheSurvivorWhichKeepsServing() throws Exception {
        int room = 605;
        try (WsClient watcher = WsClient.connect(one.ws("ws/realtime"))) {
            join(watcher, room);
            WsClient doomed = WsClient.connect(two.ws("ws/realtime"));
            String doomedName = doomed.awaitJson(type("welcome")).getString("user");
            join(doomed, room);
            watcher.awaitJson(presence("join", doomedName));

            members.get(1).kill();

            JsonObject left = watcher.awaitJson(presence("leave", doomedName), HEARTBEAT_TIMEOUT);
            assertThat(left.getInt("members")).isEqualTo(1);
            doomed.close();

            await().atMost(CLUSTER_WAIT).until(() -> first.instanceRows() == 1);
            assertThat(first.membersOf(room)).isEqualTo(1);
            try (WsClient late = WsClient.connect(one.ws("ws/realtime"))) {
                assertThat(join(late, room).getInt("members")).isEqualTo(2);
                late.send("{\"type\":\"message\",\"room\":" + room + ",\"text\":\"still here\"}");
                assertThat(watcher.awaitJson(type("message")).getString("text")).isEqualTo("still here");
            }
        }
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
