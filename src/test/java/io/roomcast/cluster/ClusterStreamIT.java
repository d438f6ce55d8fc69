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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Room streams across a cluster (PROTOCOL 9, "on one instance and across a cluster"): three Roomcast
 * instances on loopback whose streams Payara's Hazelcast holds (three, so that the two left after the
 * kill are still a majority of {@code roomcast.cluster.size}, PROTOCOL 13.10; the third has no client).
 * A JSON client of the first two, in several rooms
 * (so that, whichever instance dies, it owned some rooms' partitions and backed up the others'), publish
 * acknowledged messages: both see the same offsets, gap-free. Then instance 2 is killed (SIGKILL, its
 * own PID); its client reconnects to instance 1 with {@code since} and recovers every acknowledged
 * message exactly once, under the same epoch, and the offsets go on from where they were. Before that,
 * with both instances up: reads and refused joins create no stream anywhere in the cluster (PROTOCOL
 * 13.3), and the cluster's idempotency keys are bounded (13.2). The tests run in order and share the
 * cluster: the {@link SharedCluster}, whose settings hold what these tests need (rate limits above the
 * bursts, 10 rooms per connection, two idempotency keys per partition).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SharedCluster.class)
@ResourceLock(SharedCluster.LOCK)
class ClusterStreamIT {

    private static final Duration CLUSTER_WAIT = Duration.ofSeconds(60);
    private static final List<Integer> ROOMS = List.of(801, 802, 803, 804, 805, 806, 807, 808);
    private static final int BEFORE_KILL = 10;
    /** Hazelcast's partition count, which Payara Micro keeps. */
    private static final int PARTITIONS = SharedCluster.PARTITIONS;
    private static final int AFTER_KILL = 5;

    private List<ClusterMember> members;
    private ClusterMember first;
    private ClusterMember second;
    private WsClient alice;
    private WsClient bob;
    private final Seen aliceSaw = new Seen(this::threadDumps);
    private final Seen bobSaw = new Seen(this::threadDumps);
    /** Every acknowledged message: room -> offset -> id, from either client's acks. */
    private final Map<Integer, Map<Long, String>> acknowledged = new TreeMap<>();

    @BeforeAll
    void takeTheSharedClusterAndConnect(SharedCluster.Members cluster) throws Exception {
        members = cluster.list();
        first = members.get(0);
        second = members.get(1);
        alice = WsClient.connect(first.server().ws("ws/realtime"));
        bob = WsClient.connect(second.server().ws("ws/realtime"));
        alice.awaitJson(type("welcome"));
        bob.awaitJson(type("welcome"));
    }

    @AfterAll
    void closeClients() {
        for (WsClient client : new WsClient[] {alice, bob}) {
            if (client != null) {
                client.close();
            }
        }
    }

    /**
     * PROTOCOL 13.3 in a cluster: HTTP history of a room without a stream, on either instance, answers
     * no stream and leaves none (twice the same answer, the cluster's stream count unchanged); neither
     * does a join refused for the connection's room cap, with {@code since} or not, nor a history frame
     * from a non-member. Only the joins that succeed create streams, which both instances then see.
     */
    @Test
    @Order(1)
    void readsAndRefusedJoinsCreateNoStreamInTheCluster() throws Exception {
        long streams = clusterStreams();
        for (ClusterMember member : members) {
            for (int i = 0; i < 2; i++) {
                assertThat(history(member, 811)).isEqualTo(noStream(811));
            }
        }
        assertThat(clusterStreams()).isEqualTo(streams);
        try (WsClient dave = WsClient.connect(first.server().ws("ws/auth"),
                Map.of("Authorization", "Bearer " + TestTokens.valid("dave")))) {
            dave.awaitJson(type("welcome"));
            for (int room = 812; room < 822; room++) {
                assertThat(join(dave, room, null).getString("epoch")).isNotBlank();
            }
            dave.send("{\"type\":\"join\",\"room\":822,\"since\":{\"epoch\":\"e\",\"offset\":5},\"ref\":\"over\"}");
            assertThat(dave.awaitJson(f -> "over".equals(f.getString("ref", ""))).getString("code"))
                    .isEqualTo("too_many_rooms");
            dave.send("{\"type\":\"history\",\"room\":811,\"ref\":\"h\"}");
            assertThat(dave.awaitJson(f -> "h".equals(f.getString("ref", ""))).getString("code")).isEqualTo("not_member");
            assertThat(dave.framesBeforePong()).isEmpty();
            assertThat(clusterStreams()).as("the ten joins that succeeded").isEqualTo(streams + 10);
            for (ClusterMember member : members) {
                assertThat(history(member, 822)).isEqualTo(noStream(822));
                assertThat(history(member, 811)).isEqualTo(noStream(811));
            }
            assertThat(clusterStreams()).isEqualTo(streams + 10);
        }
        try (WsClient erin = WsClient.connect(second.server().ws("ws/auth"),
                Map.of("Authorization", "Bearer " + TestTokens.valid("erin")))) {
            erin.awaitJson(type("welcome"));
            String epoch = join(erin, 811, null).getString("epoch");
            JsonObject seen = WsClient.parse(history(first, 811));
            assertThat(seen.getString("epoch")).as("the join created it, on both instances").isEqualTo(epoch);
            assertThat(seen.getJsonNumber("offset").longValue()).isZero();
            assertThat(clusterStreams()).isEqualTo(streams + 11);
        }
    }

    /**
     * PROTOCOL 13.2 in a cluster: idempotency keys live in a bounded map (two per partition here), which
     * keeps the first publish's place, never its text. A key is one on both instances; once thirty newer
     * keys of its partition came, it has been forced out before its TTL (Hazelcast evicts the least
     * recently used, to the second: whichever way ties fall, it cannot survive them all), and its resend
     * publishes again; the newest key is still remembered.
     */
    @Test
    @Order(2)
    void idempotencyKeysAreBoundedInTheClusterAndAForcedOutKeysResendPublishesAgain() throws Exception {
        int room = 830;
        JsonObject original = publishKeyed(first, room, "k-0");
        assertThat(publishKeyed(second, room, "k-0")).as("one key on both instances").isEqualTo(original);
        JsonObject newest = null;
        List<String> neighbours = keysInThePartitionOf("frank", room, "k-0", 30);
        for (int i = 0; i < neighbours.size(); i++) {
            newest = publishKeyed(members.get(i % 2), room, neighbours.get(i));
        }
        assertThat(publishKeyed(first, room, neighbours.get(neighbours.size() - 1))).isEqualTo(newest);
        JsonObject again = publishKeyed(second, room, "k-0");
        assertThat(again.getString("id")).as("forgotten before its TTL: published again")
                .isNotEqualTo(original.getString("id"));
        assertThat(again.getJsonNumber("offset").longValue()).isEqualTo(newest.getJsonNumber("offset").longValue() + 1);
    }

    @Test
    @Order(3)
    void bothInstancesSeeTheSameGapFreeOffsets() throws Exception {
        for (int room : ROOMS) {
            aliceSaw.joined(room, join(alice, room, null));
            bobSaw.joined(room, join(bob, room, null));
        }
        await().atMost(CLUSTER_WAIT).until(() -> ROOMS.stream().allMatch(r -> first.membersOf(r) == 2
                && second.membersOf(r) == 2));

        for (int i = 0; i < BEFORE_KILL; i++) {
            for (int room : ROOMS) {
                publish(alice, room, "a" + room + "-" + i);
                publish(bob, room, "b" + room + "-" + i);
            }
        }
        int total = 2 * BEFORE_KILL;
        aliceSaw.until(alice, () -> aliceSaw.acks.size() == BEFORE_KILL * ROOMS.size()
                && ROOMS.stream().allMatch(r -> aliceSaw.count(r) == total));
        bobSaw.until(bob, () -> bobSaw.acks.size() == BEFORE_KILL * ROOMS.size()
                && ROOMS.stream().allMatch(r -> bobSaw.count(r) == total));

        for (int room : ROOMS) {
            assertThat(aliceSaw.offsets(room)).as("room %d at instance 1", room)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
            assertThat(bobSaw.ids(room)).as("room %d: the same message at each offset on both instances", room)
                    .isEqualTo(aliceSaw.ids(room));
            assertThat(bobSaw.epochs(room)).containsOnly(aliceSaw.epoch(room));
            assertThat(aliceSaw.epoch(room)).isEqualTo(aliceSaw.joinedEpoch(room)).isEqualTo(bobSaw.joinedEpoch(room));
        }
        acknowledge(aliceSaw);
        acknowledge(bobSaw);
        assertThat(acknowledged.values().stream().mapToInt(Map::size).sum()).isEqualTo(total * ROOMS.size());
    }

    @Test
    @Order(4)
    void theKilledInstancesClientRecoversEveryAcknowledgedMessageOnTheSurvivor() throws Exception {
        // bob's last messages: acknowledged, so in the room's ring and its backup, whichever instance dies
        for (int room : ROOMS) {
            publish(bob, room, "last words " + room);
        }
        bobSaw.until(bob, () -> bobSaw.acks.size() == (BEFORE_KILL + 1) * ROOMS.size());
        acknowledge(bobSaw);

        second.kill(); // SIGKILL to its own PID: no goodbye, no migration
        bob.awaitClose(CLUSTER_WAIT);

        // alice goes on publishing on the survivor while bob is away
        for (int i = 0; i < AFTER_KILL; i++) {
            for (int room : ROOMS) {
                publish(alice, room, "after " + room + "-" + i);
            }
        }
        int latest = 2 * BEFORE_KILL + 1 + AFTER_KILL;
        aliceSaw.until(alice, () -> aliceSaw.acks.size() == (BEFORE_KILL + AFTER_KILL) * ROOMS.size()
                && ROOMS.stream().allMatch(r -> aliceSaw.count(r) == latest), Duration.ofSeconds(60));
        acknowledge(aliceSaw);

        // bob reconnects to the survivor and rejoins each room with the last position it saw
        try (WsClient back = WsClient.connect(first.server().ws("ws/realtime"))) {
            back.awaitJson(type("welcome"));
            Seen recovered = new Seen(this::threadDumps);
            for (int room : ROOMS) {
                long lastSeen = bobSaw.offsets(room).get(bobSaw.offsets(room).size() - 1);
                JsonObject joined = join(back, room, new long[] {lastSeen});
                assertThat(joined.getBoolean("recovered")).as("room %d: %s", room, joined).isTrue();
                assertThat(joined.getString("epoch")).isEqualTo(bobSaw.epoch(room));
                assertThat(joined.getJsonNumber("offset").longValue()).isEqualTo(latest);
                assertThat(joined.getInt("missed")).isEqualTo((int) (latest - lastSeen));
                recovered.joined(room, joined);
                recovered.until(back, () -> recovered.count(room) == latest - lastSeen);
            }
            for (int room : ROOMS) {
                List<Long> offsets = new ArrayList<>(bobSaw.offsets(room));
                offsets.addAll(recovered.offsets(room));
                assertThat(offsets).as("room %d: bob before the kill, then recovered", room)
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, latest).boxed().toList());
                Map<Long, String> ids = new TreeMap<>(bobSaw.ids(room));
                ids.putAll(recovered.ids(room));
                assertThat(ids).as("room %d: every acknowledged message, at its offset", room)
                        .containsAllEntriesOf(acknowledged.get(room));
                assertThat(ids).isEqualTo(aliceSaw.ids(room));
                assertThat(recovered.epochs(room)).containsOnly(bobSaw.epoch(room));
            }
            assertThat(back.framesBeforePong()).as("nothing twice").isEmpty();
        }
    }

    @Test
    @Order(5)
    void offsetsGoOnOnTheSurvivorAfterTheKill() throws Exception {
        int latest = 2 * BEFORE_KILL + 1 + AFTER_KILL;
        try (WsClient carol = WsClient.connect(first.server().ws("ws/realtime"))) {
            carol.awaitJson(type("welcome"));
            Seen carolSaw = new Seen(this::threadDumps);
            for (int room : ROOMS) {
                JsonObject joined = join(carol, room, null);
                assertThat(joined.getString("epoch")).isEqualTo(aliceSaw.epoch(room));
                assertThat(joined.getJsonNumber("offset").longValue()).isEqualTo(latest);
            }
            for (int room : ROOMS) {
                publish(carol, room, "carol " + room);
            }
            carolSaw.until(carol, () -> carolSaw.acks.size() == ROOMS.size());
            for (JsonObject ack : carolSaw.acks.values()) {
                assertThat(ack.getJsonNumber("offset").longValue()).as("%s", ack).isEqualTo(latest + 1);
                assertThat(ack.getString("epoch")).isEqualTo(aliceSaw.epoch(ack.getInt("room")));
            }
            // and the stream holds each offset once, the ids the clients saw
            for (int room : ROOMS) {
                carol.send("{\"type\":\"history\",\"room\":" + room + ",\"limit\":1000}");
                JsonObject history = carol.awaitJson(f -> "history".equals(f.getString("type", ""))
                        && f.getInt("room") == room);
                List<JsonObject> messages = history.getJsonArray("messages").getValuesAs(JsonObject.class);
                assertThat(messages).extracting(m -> m.getJsonNumber("offset").longValue())
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, latest + 1).boxed().toList());
                Map<Long, String> ids = new TreeMap<>();
                messages.forEach(m -> ids.put(m.getJsonNumber("offset").longValue(), m.getString("id")));
                assertThat(ids).containsAllEntriesOf(aliceSaw.ids(room));
                assertThat(new HashSet<>(ids.values())).hasSize(latest + 1);
            }
        }
    }

    /** Room streams the cluster keeps: each instance reports the epoch entries its member owns. */
    private long clusterStreams() throws Exception {
        long sum = 0;
        for (ClusterMember member : members) {
            sum += member.server().metric("roomcast_streams");
        }
        return sum;
    }

    private static String history(ClusterMember member, int room) throws Exception {
        var response = member.server().get("api/rooms/" + room + "/history",
                Map.of("Authorization", "Bearer " + TestTokens.valid("reader")));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static String noStream(int room) {
        return "{\"room\":" + room + ",\"epoch\":null,\"offset\":0,\"messages\":[],\"complete\":true}";
    }

    /** {@code POST /api/rooms/{room}/messages} as frank with an {@code Idempotency-Key}; the 202 body. */
    private static JsonObject publishKeyed(ClusterMember member, int room, String key) throws Exception {
        var response = member.server().post("api/rooms/" + room + "/messages", "{\"text\":\"keyed\"}",
                Map.of("Authorization", "Bearer " + TestTokens.valid("frank"), "Idempotency-Key", key));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return WsClient.parse(response.body());
    }

    /**
     * Idempotency keys of the user and room whose entries land in the same Hazelcast partition as
     * {@code key}'s: the entry's key is user, room and key on three lines (room/Publication), hashed as
     * Hazelcast hashes a String key.
     */
    private static List<String> keysInThePartitionOf(String user, int room, String key, int count) {
        var serialization = new com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder().build();
        java.util.function.ToIntFunction<String> partition = k -> com.hazelcast.internal.util.HashUtil.hashToIndex(
                serialization.toData(user + "\n" + room + "\n" + k).getPartitionHash(), PARTITIONS);
        int wanted = partition.applyAsInt(key);
        List<String> keys = new ArrayList<>();
        for (int i = 1; keys.size() < count; i++) {
            if (partition.applyAsInt("n-" + i) == wanted) {
                keys.add("n-" + i);
            }
        }
        return keys;
    }

    /** Where the instances wait when a client waited in vain: into target/cluster-stream-it-N.log. */
    private void threadDumps() {
        members.stream().filter(ClusterMember::isAlive).forEach(ClusterMember::threadDump);
    }

    private void acknowledge(Seen seen) {
        for (JsonObject ack : seen.acks.values()) {
            acknowledged.computeIfAbsent(ack.getInt("room"), r -> new TreeMap<>())
                    .put(ack.getJsonNumber("offset").longValue(), ack.getString("id"));
        }
    }

    private static void publish(WsClient client, int room, String ref) throws Exception {
        client.send("{\"type\":\"message\",\"room\":" + room + ",\"text\":\"" + ref + "\",\"ref\":\"" + ref + "\"}");
    }

    /** Joins, with {@code since} {epoch seen, offset} when given; returns the joined reply. */
    private JsonObject join(WsClient client, int room, long[] since) throws Exception {
        String position = since == null ? ""
                : ",\"since\":{\"epoch\":\"" + bobSaw.epoch(room) + "\",\"offset\":" + since[0] + "}";
        client.send("{\"type\":\"join\",\"room\":" + room + position + "}");
        return client.awaitJson(f -> "joined".equals(f.getString("type", "")) && f.getInt("room") == room);
    }



    /** What one client received: its messages per room in arrival order, and its acks by ref. */
    private static final class Seen {
        final Map<Integer, List<JsonObject>> messages = new TreeMap<>();
        final Map<String, JsonObject> acks = new HashMap<>();
        final Map<Integer, JsonObject> joins = new HashMap<>();
        private final Runnable onTimeout;

        Seen(Runnable onTimeout) {
            this.onTimeout = onTimeout;
        }

        void joined(int room, JsonObject reply) {
            joins.put(room, reply);
        }

        void take(JsonObject frame) {
            switch (frame.getString("type", "")) {
                case "message" -> messages.computeIfAbsent(frame.getInt("room"), r -> new ArrayList<>()).add(frame);
                case "ack" -> {
                    JsonObject before = acks.put(frame.getString("ref"), frame);
                    assertThat(before).as("one ack per ref").isNull();
                }
                case "error" -> throw new AssertionError("error frame: " + frame);
                default -> { } // presence, heartbeats
            }
        }

        /** Reads frames until {@code done}, failing after the wait (frames are taken as they come). */
        void until(WsClient client, BooleanSupplier done) {
            until(client, done, Duration.ofSeconds(60));
        }

        void until(WsClient client, BooleanSupplier done, Duration wait) {
            long deadline = System.nanoTime() + wait.toNanos();
            while (!done.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                String text = left <= 0 ? null : client.nextTextOrNull(Duration.ofNanos(left));
                if (text == null) {
                    onTimeout.run();
                    throw new AssertionError("not done within " + wait + ": " + acks.size() + " acks, messages per room "
                            + messages.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().size()).toList());
                }
                take(WsClient.parse(text));
            }
        }

        int count(int room) {
            return messages.getOrDefault(room, List.of()).size();
        }

        List<Long> offsets(int room) {
            return messages.getOrDefault(room, List.of()).stream().map(m -> m.getJsonNumber("offset").longValue())
                    .toList();
        }

        Map<Long, String> ids(int room) {
            Map<Long, String> ids = new TreeMap<>();
            for (JsonObject m : messages.getOrDefault(room, List.of())) {
                ids.put(m.getJsonNumber("offset").longValue(), m.getString("id"));
            }
            return ids;
        }

        Set<String> epochs(int room) {
            Set<String> epochs = new HashSet<>();
            messages.getOrDefault(room, List.of()).forEach(m -> epochs.add(m.getString("epoch")));
            return epochs;
        }

        String epoch(int room) {
            return messages.get(room).get(0).getString("epoch");
        }

        String joinedEpoch(int room) {
            return joins.get(room).getString("epoch");
        }
    }
}
