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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A cluster across a long pause of one instance. Three Roomcast instances on loopback
 * ({@code roomcast.cluster.size=3}, a quorum of two) with Hazelcast's member timeouts lowered (the
 * {@link SharedCluster}, whole again after the class whatever the tests did to it); one
 * instance is frozen (SIGSTOP, its own PID) until the others' Hazelcast has removed it, then resumed:
 * Hazelcast merges the halves again (a split-brain merge, which restarts the merging member's node with
 * a new member UUID), the instances exchange snapshots and take each other back.
 *
 * <p>First the heal itself: presence leaves and comes back, and the shared room works again. Then
 * PROTOCOL 13.10: clients publish on both sides while the instance is frozen; the two that still form a
 * majority go on, and the frozen one, which wakes up still believing it is in the cluster, refuses or
 * acknowledges only what the heal keeps. Afterwards no acknowledged message is missing, no offset holds
 * two messages for anyone, and every client that reconnects with {@code since} recovers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SharedCluster.class)
@ResourceLock(SharedCluster.LOCK)
// Alone: its majority fence and Hazelcast's failure detection need the two cores; beside two other
// classes, pings of the majority side timed out and the majority refused as if it were the minority.
@Isolated
class ClusterHealIT {

    private static final Duration CLUSTER_WAIT = Duration.ofSeconds(60);
    /** Removal, resume, split-brain discovery and merge, snapshot exchange: generous for two busy cores. */
    private static final Duration HEAL_WAIT = Duration.ofSeconds(180);

    private List<ClusterMember> members;
    private ClusterMember first;
    private ClusterMember second;
    private ClusterMember third;

    @BeforeAll
    void takeTheSharedCluster(SharedCluster.Members cluster) {
        members = cluster.list();
        first = members.get(0);
        second = members.get(1);
        third = members.get(2);
    }

    @Test
    @Order(1)
    void anInstanceFrozenUntilTheOthersRemovedItIsTakenBackAndTheRoomHeals() throws Exception {
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
                await().atMost(CLUSTER_WAIT).until(() -> first.instanceRows() == 2 && first.membersOf(room) == 1);
            } finally {
                second.thaw();
            }
            Instant resumed = Instant.now();

            // Instance 1 takes instance 2 back: its members return to the room, with presence.
            JsonObject back = alice.awaitJson(presence("join", bobName), HEAL_WAIT);
            assertThat(back.getInt("members")).isEqualTo(2);
            await().atMost(HEAL_WAIT).until(() -> allInstanceRows(3));
            awaitMembersEverywhere(room, 2, HEAL_WAIT);
            System.out.println("ClusterHealIT: healed " + Duration.between(resumed, Instant.now()).toMillis()
                    + " ms after the resume");

            // And messages cross again, both ways.
            alice.send("{\"type\":\"message\",\"room\":" + room + ",\"text\":\"from alice\"}");
            assertThat(bob.awaitJson(message("from alice"), CLUSTER_WAIT).getString("from")).isEqualTo(aliceName);
            bob.send("{\"type\":\"message\",\"room\":" + room + ",\"text\":\"from bob\"}");
            assertThat(alice.awaitJson(message("from bob"), CLUSTER_WAIT).getString("from")).isEqualTo(bobName);
        }
    }

    @Test
    @Order(2)
    void aFrozenInstanceWithoutAMajorityAcknowledgesNothingTheHealLosesAndHandsOutNoOffsetTwice() throws Exception {
        // Ten rooms, so that the frozen instance owns some of the rooms' partitions (it then appends to
        // them locally when it wakes) and backs up others.
        List<Integer> rooms = IntStream.rangeClosed(711, 720).boxed().toList();
        Observed aliceSaw = new Observed("alice");
        Observed carolSaw = new Observed("carol");
        try (WsClient alice = WsClient.connect(first.server().ws("ws/realtime"));
             WsClient carol = WsClient.connect(third.server().ws("ws/realtime"))) {
            alice.awaitJson(type("welcome"));
            carol.awaitJson(type("welcome"));
            for (int room : rooms) {
                aliceSaw.joinUntilJoined(alice, room, null);
                carolSaw.joinUntilJoined(carol, room, null);
            }
            await().atMost(CLUSTER_WAIT).until(() -> rooms.stream().allMatch(r -> first.membersOf(r) == 2
                    && third.membersOf(r) == 2));

            // Before: both sides publish, every message acknowledged and seen by both.
            List<String> before = new ArrayList<>();
            for (int room : rooms) {
                before.add(publish(alice, room, "a0-" + room));
                before.add(publish(carol, room, "c0-" + room));
            }
            aliceSaw.until(alice, () -> aliceSaw.acked(before, "a0-") && aliceSaw.messageCount() == before.size(),
                    CLUSTER_WAIT);
            carolSaw.until(carol, () -> carolSaw.acked(before, "c0-") && carolSaw.messageCount() == before.size(),
                    CLUSTER_WAIT);

            // Instance 3 freezes. Alice goes on publishing on the majority side; carol's publishes wait in
            // the frozen instance's socket, to be handled when it wakes up with its stale view.
            third.freeze();
            List<String> during = new ArrayList<>();
            try {
                for (int room : rooms) {
                    during.add(publish(alice, room, "a1-" + room));
                    during.add(publish(carol, room, "c1-" + room));
                    during.add(publish(alice, room, "a2-" + room));
                    during.add(publish(carol, room, "c2-" + room));
                }
                await().atMost(CLUSTER_WAIT).until(() -> first.instanceRows() == 2 && second.instanceRows() == 2);
                aliceSaw.until(alice, () -> aliceSaw.answered(during, "a"), HEAL_WAIT);
            } finally {
                third.thaw();
            }
            carolSaw.until(carol, () -> carolSaw.answered(during, "c"), HEAL_WAIT);
            await().atMost(HEAL_WAIT).until(() -> allInstanceRows(3));

            List<String> aliceOutcomes = outcomes(aliceSaw, during, "a");
            List<String> carolOutcomes = outcomes(carolSaw, during, "c");
            System.out.println("ClusterHealIT: while instance 3 was frozen, alice (instance 1): " + aliceOutcomes
                    + "; carol (instance 3, woken with a stale view): " + carolOutcomes);
            assertThat(aliceOutcomes).as("the majority side goes on").contains("ack");
            assertThat(aliceSaw.errors.values()).allSatisfy(e -> assertThat(e.getString("code")).isEqualTo("unavailable"));
            assertThat(carolSaw.errors.values()).allSatisfy(e -> assertThat(e.getString("code")).isEqualTo("unavailable"));

            // Everyone reconnects with since, alice through instance 2 and carol through instance 3 again:
            // every room recovers, under the epoch it had.
            Observed aliceBack = new Observed("alice, reconnected");
            Observed carolBack = new Observed("carol, reconnected");
            try (WsClient alice2 = WsClient.connect(second.server().ws("ws/realtime"));
                 WsClient carol2 = WsClient.connect(third.server().ws("ws/realtime"))) {
                alice2.awaitJson(type("welcome"));
                carol2.awaitJson(type("welcome"));
                for (int room : rooms) {
                    recover(alice2, aliceSaw, aliceBack, room);
                    recover(carol2, carolSaw, carolBack, room);
                }
                // and the stream as history, from each side
                Observed historyTwo = new Observed("history via instance 2");
                Observed historyThree = new Observed("history via instance 3");
                for (int room : rooms) {
                    historyTwo.history(alice2, room);
                    historyThree.history(carol2, room);
                }

                List<Observed> everyone = List.of(aliceSaw, carolSaw, aliceBack, carolBack, historyTwo, historyThree);
                Map<Integer, Map<Long, String>> stream = new TreeMap<>();
                for (Observed observed : everyone) {
                    assertThat(observed.conflicts).as("%s: an offset with two messages", observed.who).isEmpty();
                    observed.messages.forEach((room, byOffset) -> byOffset.forEach((offset, id) -> {
                        String other = stream.computeIfAbsent(room, r -> new TreeMap<>()).putIfAbsent(offset, id);
                        assertThat(other == null || other.equals(id))
                                .as("room %d offset %d: %s saw %s, someone saw %s", room, offset, observed.who, id, other)
                                .isTrue();
                    }));
                }
                for (int room : rooms) {
                    Map<Long, String> byOffset = stream.get(room);
                    long latest = historyTwo.latest.get(room);
                    assertThat(byOffset.keySet()).as("room %d: gap-free", room)
                            .containsExactlyElementsOf(LongStream.rangeClosed(1, latest).boxed().toList());
                    assertThat(new HashSet<>(byOffset.values())).as("room %d: no message twice", room).hasSize((int) latest);
                    assertThat(historyTwo.messages.get(room)).isEqualTo(byOffset);
                    assertThat(historyThree.messages.get(room)).isEqualTo(byOffset);
                    assertThat(aliceBack.epochs.get(room)).isEqualTo(aliceSaw.epochs.get(room));
                    assertThat(carolBack.epochs.get(room)).isEqualTo(carolSaw.epochs.get(room));
                }
                for (Observed publisher : List.of(aliceSaw, carolSaw)) {
                    for (JsonObject ack : publisher.acks.values()) {
                        int room = ack.getInt("room");
                        assertThat(stream.get(room).get(ack.getJsonNumber("offset").longValue()))
                                .as("%s's acknowledged %s", publisher.who, ack).isEqualTo(ack.getString("id"));
                    }
                }
            }
        }
    }

    /** Joins with since = the last offset the client saw, until the instance answers with a joined (not unavailable). */
    private static void recover(WsClient client, Observed before, Observed after, int room) throws Exception {
        long last = before.lastOffset(room);
        JsonObject joined = after.joinUntilJoined(client, room,
                "{\"epoch\":\"" + before.epochs.get(room) + "\",\"offset\":" + last + "}");
        assertThat(joined.getBoolean("recovered")).as("room %d: %s", room, joined).isTrue();
        long latest = joined.getJsonNumber("offset").longValue();
        assertThat(joined.getInt("missed")).isEqualTo((int) (latest - last));
        after.until(client, () -> after.count(room) == latest - last, CLUSTER_WAIT);
        assertThat(after.messages.getOrDefault(room, Map.of()).keySet()).as("room %d: exactly what was missed", room)
                .containsExactlyElementsOf(LongStream.rangeClosed(last + 1, latest).boxed().toList());
    }

    private static String publish(WsClient client, int room, String ref) throws Exception {
        client.send("{\"type\":\"message\",\"room\":" + room + ",\"text\":\"" + ref + "\",\"ref\":\"" + ref + "\"}");
        return ref;
    }

    private static List<String> outcomes(Observed observed, List<String> refs, String prefix) {
        List<String> outcomes = new ArrayList<>();
        for (String ref : refs) {
            if (ref.startsWith(prefix)) {
                outcomes.add(observed.acks.containsKey(ref) ? "ack" : observed.errors.get(ref).getString("code"));
            }
        }
        return outcomes;
    }

    private boolean allInstanceRows(int rows) {
        return members.stream().allMatch(m -> m.instanceRows() == rows);
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

    /**
     * Every frame one client received, taken as it comes: messages by room and offset (an offset that
     * comes with two ids is a conflict), acks and errors by ref, the epoch of each room.
     */
    private final class Observed {
        final String who;
        final Map<Integer, Map<Long, String>> messages = new TreeMap<>();
        final Map<Integer, String> epochs = new HashMap<>();
        final Map<Integer, Long> latest = new HashMap<>();
        final Map<String, JsonObject> acks = new HashMap<>();
        final Map<String, JsonObject> errors = new HashMap<>();
        final List<String> conflicts = new ArrayList<>();
        private JsonObject lastJoined;
        private JsonObject lastHistory;
        private JsonObject lastError;

        Observed(String who) {
            this.who = who;
        }

        void take(JsonObject frame) {
            switch (frame.getString("type", "")) {
                case "message" -> {
                    int room = frame.getInt("room");
                    long offset = frame.getJsonNumber("offset").longValue();
                    String id = frame.getString("id");
                    String other = messages.computeIfAbsent(room, r -> new TreeMap<>()).putIfAbsent(offset, id);
                    if (other != null) {
                        conflicts.add("room " + room + " offset " + offset + ": " + other + " and then " + id);
                    }
                    String epoch = epochs.putIfAbsent(room, frame.getString("epoch"));
                    if (epoch != null && !epoch.equals(frame.getString("epoch"))) {
                        conflicts.add("room " + room + ": epoch " + epoch + " then " + frame.getString("epoch"));
                    }
                }
                case "ack" -> acks.put(frame.getString("ref"), frame);
                case "error" -> {
                    lastError = frame;
                    if (!frame.isNull("ref")) {
                        errors.put(frame.getString("ref"), frame);
                    }
                }
                case "joined" -> {
                    lastJoined = frame;
                    if (!frame.isNull("epoch")) {
                        epochs.putIfAbsent(frame.getInt("room"), frame.getString("epoch"));
                    }
                }
                case "history" -> lastHistory = frame;
                default -> { } // presence, heartbeats, welcome, pong
            }
        }

        /** Joins, sending the join again after each {@code unavailable}, until the joined reply comes. */
        JsonObject joinUntilJoined(WsClient client, int room, String since) throws Exception {
            long deadline = System.nanoTime() + HEAL_WAIT.toNanos();
            while (true) {
                lastJoined = null;
                lastError = null;
                client.send("{\"type\":\"join\",\"room\":" + room + (since == null ? "" : ",\"since\":" + since)
                        + ",\"ref\":\"join-" + room + "\"}");
                until(client, () -> (lastJoined != null && lastJoined.getInt("room") == room) || lastError != null,
                        Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                if (lastJoined != null) {
                    return lastJoined;
                }
                // Refused while the cluster settles after the heal: a client asks again.
                assertThat(lastError.getString("code")).as("%s joining %d", who, room).isEqualTo("unavailable");
            }
        }

        /** The room's history (limit 1000) into this observation, asked again after each {@code unavailable}. */
        void history(WsClient client, int room) throws Exception {
            long deadline = System.nanoTime() + HEAL_WAIT.toNanos();
            while (true) {
                lastHistory = null;
                lastError = null;
                client.send("{\"type\":\"history\",\"room\":" + room + ",\"limit\":1000,\"ref\":\"h-" + room + "\"}");
                until(client, () -> (lastHistory != null && lastHistory.getInt("room") == room) || lastError != null,
                        Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                if (lastHistory != null) {
                    break;
                }
                assertThat(lastError.getString("code")).isEqualTo("unavailable");
            }
            assertThat(lastHistory.getBoolean("complete")).isTrue();
            latest.put(room, lastHistory.getJsonNumber("offset").longValue());
            lastHistory.getJsonArray("messages").getValuesAs(JsonObject.class).forEach(this::take);
        }

        /** Reads frames until {@code done}, failing after the wait. */
        void until(WsClient client, BooleanSupplier done, Duration wait) {
            long deadline = System.nanoTime() + wait.toNanos();
            while (!done.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                String text = left <= 0 ? null : client.nextTextOrNull(Duration.ofNanos(left));
                if (text == null) {
                    members.stream().filter(ClusterMember::isAlive).forEach(ClusterMember::threadDump);
                    throw new AssertionError(who + ": not done within " + wait + ": acks " + acks.keySet()
                            + ", errors " + errors.keySet() + ", messages per room "
                            + messages.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().size()).toList());
                }
                take(WsClient.parse(text));
            }
        }

        boolean acked(List<String> refs, String prefix) {
            return refs.stream().filter(r -> r.startsWith(prefix)).allMatch(acks::containsKey);
        }

        /** Every ref of the prefix has its ack or its error. */
        boolean answered(List<String> refs, String prefix) {
            return refs.stream().filter(r -> r.startsWith(prefix)).allMatch(r -> acks.containsKey(r) || errors.containsKey(r));
        }

        int messageCount() {
            return messages.values().stream().mapToInt(Map::size).sum();
        }

        int count(int room) {
            return messages.getOrDefault(room, Map.of()).size();
        }

        long lastOffset(int room) {
            Map<Long, String> seen = messages.getOrDefault(room, new TreeMap<>());
            return seen.isEmpty() ? 0 : ((TreeMap<Long, String>) seen).lastKey();
        }
    }
}
