package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.roomcast.room.RoomEvent;
import io.roomcast.stream.Appended;
import io.roomcast.stream.MemoryStreams;
import io.roomcast.stream.Placement;
import io.roomcast.stream.Slice;
import io.roomcast.stream.StreamStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The cluster's stream store on real Hazelcast members (the version Payara Micro ships), embedded in
 * this JVM on loopback with a cluster name of their own: offsets from one ring whichever member
 * appends, the epoch through the loss of a member and anew after the loss of every copy, idempotency
 * keys cluster-wide, and reads below the head.
 */
class HazelcastStreamsTest {

    private static final int SIZE = 50;
    private static final long TTL = 300;

    private final List<HazelcastInstance> members = new ArrayList<>();
    private final String cluster = "streams-test-" + UUID.randomUUID();
    private final List<Integer> ports = new ArrayList<>();

    @AfterEach
    void stop() {
        members.forEach(m -> m.getLifecycleService().terminate());
    }

    @Test
    void offsetsFollowOneAnotherWhicheverMemberAppends() {
        List<StreamStore> stores = stores(cluster(2, 0), SIZE);
        List<RoomEvent.Message> placed = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            placed.add(stores.get(i % 2).append(message(7, "m" + i), null).message());
        }
        assertThat(placed).extracting(RoomEvent.Message::offset)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
        assertThat(placed).extracting(RoomEvent.Message::epoch).containsOnly(placed.get(0).epoch());
        for (StreamStore store : stores) {
            Slice all = store.read(7, 0, 100, false);
            assertThat(all.messages()).isEqualTo(placed);
            assertThat(all.latest()).isEqualTo(20);
            assertThat(all.oldest()).isEqualTo(1);
        }
    }

    @Test
    void aRoomsEpochIsOneWhoeverCreatesItFirst() throws Exception {
        List<StreamStore> stores = stores(cluster(2, 0), SIZE);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> epochs = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            for (int i = 0; i < 16; i++) {
                StreamStore store = stores.get(i % 2);
                epochs.add(pool.submit(() -> {
                    start.await();
                    return store.open(11).epoch();
                }));
            }
            start.countDown();
            Set<String> seen = ConcurrentHashMap.newKeySet();
            for (Future<String> epoch : epochs) {
                seen.add(epoch.get(30, TimeUnit.SECONDS));
            }
            assertThat(seen).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theEpochAndEveryOffsetSurviveTheLossOfTheRoomsOwner() {
        List<HazelcastInstance> hz = cluster(2, 0);
        List<StreamStore> stores = stores(hz, SIZE);
        int room = 21;
        List<RoomEvent.Message> before = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            before.add(stores.get(i % 2).append(message(room, "before " + i), null).message());
        }
        int owner = ownerOf(hz, room);
        hz.get(owner).getLifecycleService().terminate(); // as a killed process: no graceful migration
        StreamStore survivor = stores.get(1 - owner);

        Slice after = survivor.read(room, 0, 100, false);
        assertThat(after.epoch()).isEqualTo(before.get(0).epoch());
        assertThat(after.messages()).isEqualTo(before);
        RoomEvent.Message next = survivor.append(message(room, "after"), null).message();
        assertThat(next.epoch()).isEqualTo(before.get(0).epoch());
        assertThat(next.offset()).isEqualTo(6); // no offset reused
    }

    @Test
    void aNewEpochStartsAtOneWhenEveryCopyIsLost() {
        // Two data members hold the room; a lite member (which holds no data) watches, and a third
        // data member joins once both are gone.
        List<HazelcastInstance> hz = cluster(2, 1);
        HazelcastInstance lite = hz.get(2);
        StreamStore watcher = stores(List.of(lite), SIZE).get(0);
        int room = 31;
        RoomEvent.Message first = watcher.append(message(room, "one"), null).message();
        watcher.append(message(room, "two"), null);
        hz.get(0).getLifecycleService().terminate();
        hz.get(1).getLifecycleService().terminate();
        start(false); // a data member for the partitions to go to, empty

        // (another room tells when the new member serves)
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> watcher.open(room + 1).epoch() != null);

        // The first append after the loss, with the old epoch still known here or not: once, at 1.
        RoomEvent.Message again = watcher.append(message(room, "three"), null).message();
        assertThat(again.epoch()).isNotEqualTo(first.epoch());
        assertThat(again.offset()).isEqualTo(1);
        Slice fresh = watcher.read(room, 0, 10, false);
        assertThat(fresh.epoch()).isEqualTo(again.epoch());
        assertThat(fresh.messages()).containsExactly(again);
    }

    @Test
    void aMessageAppendedWithAnEpochLostMeanwhileIsPlacedOnceUnderTheNewOne() {
        // The watcher does not hear of the lost partition: it appends with the old epoch it knows, to
        // that epoch's ring, which the loss took; the message must be there once, at 1, under the new epoch.
        List<HazelcastInstance> hz = cluster(2, 1);
        HazelcastInstance lite = hz.get(2);
        HazelcastStreams.configure(lite.getConfig(), SIZE, (int) TTL, 1000);
        StreamStore watcher = new HazelcastStreams(lite, SIZE, (int) TTL, 2 * TTL + 60, Set::of, false);
        int room = 35;
        RoomEvent.Message first = watcher.append(message(room, "one"), null).message();
        hz.get(0).getLifecycleService().terminate();
        hz.get(1).getLifecycleService().terminate();
        start(false);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> watcher.open(room + 1).epoch() != null);

        RoomEvent.Message again = watcher.append(message(room, "two"), null).message();
        assertThat(again.epoch()).isNotEqualTo(first.epoch());
        assertThat(again.offset()).isEqualTo(1);
        assertThat(watcher.read(room, 0, 10, false).messages()).containsExactly(again);
    }

    @Test
    void aKeySeenOnOneMemberIsADuplicateOnTheOther() {
        List<StreamStore> stores = stores(cluster(2, 0), SIZE);
        Appended first = stores.get(0).append(message(41, "hello"), "alice/41/r1");
        Appended repeat = stores.get(1).append(message(41, "hello again"), "alice/41/r1");
        assertThat(first.duplicate()).isFalse();
        assertThat(repeat.duplicate()).isTrue();
        assertThat(Placement.of(repeat.message())).isEqualTo(Placement.of(first.message()));
        assertThat(stores.get(1).read(41, 0, 10, false).messages()).containsExactly(first.message());
    }

    @Test
    void repeatsRacingAFirstPublishOnBothMembersPublishOnce() throws Exception {
        List<StreamStore> stores = stores(cluster(2, 0), SIZE);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Appended>> outcomes = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                StreamStore store = stores.get(i % 2);
                int n = i;
                Callable<Appended> publish = () -> {
                    start.await();
                    return store.append(message(51, "try " + n), "bob/51/r9");
                };
                outcomes.add(pool.submit(publish));
            }
            start.countDown();
            List<Appended> all = new ArrayList<>();
            for (Future<Appended> outcome : outcomes) {
                all.add(outcome.get(30, TimeUnit.SECONDS));
            }
            assertThat(all).filteredOn(a -> !a.duplicate()).hasSize(1);
            assertThat(all).extracting(a -> Placement.of(a.message())).containsOnly(Placement.of(all.get(0).message()));
            assertThat(stores.get(0).read(51, 0, 100, false).messages()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void readingBelowTheHeadAnswersWhatIsKeptWithItsOldestOffset() {
        StreamStore store = stores(cluster(1, 0), 5).get(0);
        for (int i = 1; i <= 12; i++) {
            store.append(message(61, "m" + i), null);
        }
        Slice slice = store.read(61, 2, 100, false);
        assertThat(slice.oldest()).isEqualTo(8);
        assertThat(slice.latest()).isEqualTo(12);
        assertThat(slice.messages()).extracting(RoomEvent.Message::offset).containsExactly(8L, 9L, 10L, 11L, 12L);
    }

    @Test
    void readsAnswerAsTheSingleInstanceStoreDoes() {
        // The same appends into both stores: every read (after, limit, newest) matches but for the epoch.
        StreamStore cluster = stores(cluster(1, 0), 8).get(0);
        MemoryStreams memory = new MemoryStreams(8, TimeUnit.SECONDS.toNanos(TTL), Long.MAX_VALUE, r -> true,
                System::nanoTime);
        int room = 71;
        for (int n = 0; n <= 13; n++) {
            for (long after : new long[] {0, 1, 3, 5, 6, 8, 12, 13, 14, Long.MAX_VALUE}) {
                for (int limit : new int[] {0, 1, 3, 8, 100}) {
                    for (boolean newest : new boolean[] {false, true}) {
                        Slice expected = memory.read(room, after, limit, newest);
                        Slice actual = cluster.read(room, after, limit, newest);
                        String at = "after " + n + " appends, read(" + after + ", " + limit + ", " + newest + ")";
                        assertThat(actual.latest()).as(at).isEqualTo(expected.latest());
                        assertThat(actual.oldest()).as(at).isEqualTo(expected.oldest());
                        assertThat(actual.more()).as(at).isEqualTo(expected.more());
                        assertThat(actual.messages()).as(at).extracting(RoomEvent.Message::offset)
                                .isEqualTo(expected.messages().stream().map(RoomEvent.Message::offset).toList());
                    }
                }
            }
            RoomEvent.Message m = message(room, "m" + n);
            memory.append(m, null);
            cluster.append(m, null);
        }
    }

    @Test
    void withStreamsOffNothingIsPlacedButKeysAreStillClaimed() {
        List<StreamStore> stores = stores(cluster(2, 0), 0);
        assertThat(stores.get(0).enabled()).isFalse();
        Appended first = stores.get(0).append(message(81, "x"), "carol/81/a");
        Appended repeat = stores.get(1).append(message(81, "y"), "carol/81/a");
        assertThat(first.message().positioned()).isFalse();
        assertThat(repeat.duplicate()).isTrue();
        assertThat(repeat.message().id()).isEqualTo(first.message().id());
        assertThat(stores.get(1).read(81, 0, 10, false)).isEqualTo(Slice.disabled());
    }

    @Test
    void readsOfARoomWithoutAStreamCreateNothingInTheCluster() {
        List<HazelcastInstance> hz = cluster(2, 0);
        List<StreamStore> stores = stores(hz, SIZE);
        int room = 91;
        for (StreamStore store : stores) {
            assertThat(store.head(room)).isEqualTo(Slice.none());
            assertThat(store.read(room, 0, 100, true)).isEqualTo(Slice.none());
            assertThat(store.read(room, 7, 100, false)).isEqualTo(Slice.none());
        }
        for (HazelcastInstance member : hz) {
            assertThat(member.<String, String>getMap(HazelcastStreams.EPOCHS).containsKey(HazelcastStreams.key(room)))
                    .isFalse();
            assertThat(rings(member)).as("no ring, not even a proxy").isEmpty();
        }
        assertThat(stores).extracting(StreamStore::streams).containsOnly(0L);
    }

    @Test
    void aStreamOpenedByAJoinHasTheEpochItsFirstMessageGets() {
        List<StreamStore> stores = stores(cluster(2, 0), SIZE);
        Slice opened = stores.get(0).open(92);
        assertThat(opened.epoch()).isNotBlank();
        assertThat(opened.latest()).isZero();
        assertThat(stores.get(1).head(92).epoch()).isEqualTo(opened.epoch());
        RoomEvent.Message first = stores.get(1).append(message(92, "first"), null).message();
        assertThat(first.epoch()).isEqualTo(opened.epoch());
        assertThat(first.offset()).isEqualTo(1);
        assertThat(stores.get(0).streams() + stores.get(1).streams()).isEqualTo(1);
    }

    @Test
    void anEpochEntryOfAGoneRoomExpiresItsRingIsDestroyedAndTheNextStreamStartsAtOne() {
        List<HazelcastInstance> hz = cluster(2, 0);
        List<StreamStore> stores = shortLived(hz, Set::of);
        int room = 93;
        RoomEvent.Message first = stores.get(0).append(message(room, "soon gone"), null).message();
        assertThat(rings(hz.get(0))).hasSize(1);
        await().atMost(Duration.ofSeconds(60)).until(() -> !stores.get(1).head(room).exists());
        await().atMost(Duration.ofSeconds(60)).until(() -> hz.stream().allMatch(m -> rings(m).isEmpty()));
        RoomEvent.Message next = stores.get(1).append(message(room, "again"), null).message();
        assertThat(next.epoch()).isNotEqualTo(first.epoch());
        assertThat(next.offset()).as("a new stream starts at 1").isEqualTo(1);
        assertThat(stores.get(0).read(room, 0, 10, false).messages()).containsExactly(next);
    }

    @Test
    void theEpochOfARoomWithMembersOutlivesEveryTtlWhileAnotherRoomsExpires() {
        List<HazelcastInstance> hz = cluster(2, 0);
        int kept = 94;
        int gone = 95;
        List<StreamStore> stores = shortLived(hz, () -> Set.of(kept));
        String epoch = stores.get(0).open(kept).epoch();
        stores.get(1).open(gone);
        var sweeper = Executors.newSingleThreadScheduledExecutor();
        try {
            // as StreamStoreProducer does: each instance sweeps every second; only the first has members in room 94
            sweeper.scheduleWithFixedDelay(() -> stores.forEach(StreamStore::sweep), 0, 200, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> !stores.get(0).head(gone).exists());
            assertThat(stores.get(1).head(kept).epoch()).as("kept alive by its members").isEqualTo(epoch);
        } finally {
            sweeper.shutdownNow();
        }
    }

    @Test
    void anIdempotencyKeyKeepsOnlyItsFirstPublishsPlaceNeverTheText() {
        List<HazelcastInstance> hz = cluster(2, 0);
        List<StreamStore> stores = stores(hz, SIZE);
        Appended first = stores.get(0).append(message(96, "x".repeat(60_000)), "alice\n96\nbig");
        byte[] kept = hz.get(1).<String, byte[]>getMap(HazelcastStreams.KEYS).get("alice\n96\nbig");
        assertThat(kept.length).as("id, epoch and offset: tens of bytes").isLessThan(100);
        assertThat(StoredMessages.placementOf(kept)).isEqualTo(Placement.of(first.message()));
        Appended repeat = stores.get(1).append(message(96, "resent"), "alice\n96\nbig");
        assertThat(repeat.duplicate()).isTrue();
        assertThat(Placement.of(repeat.message())).isEqualTo(Placement.of(first.message()));
    }

    /**
     * Hazelcast evicts the least recently used key of the partition, judged to the second: keys used in
     * the same second are equals, and one of them goes. Thirty more keys in the oldest key's partition,
     * where two fit, force it out whichever way ties fall (it survives each with probability 1/2); the
     * key just put is never the one evicted.
     */
    @Test
    void idempotencyKeysAreBoundedPerPartitionAndOneForcedOutPublishesAgain() {
        List<HazelcastInstance> hz = cluster(2, 0);
        int partitions = hz.get(0).getPartitionService().getPartitions().size();
        long maxBytes = 2L * HazelcastStreams.KEY_COST * partitions; // two keys per partition
        assertThat(HazelcastStreams.keysPerPartition(maxBytes, partitions)).isEqualTo(2);
        List<StreamStore> stores = hz.stream().map(m -> HazelcastStreams.create(m, SIZE, TTL, maxBytes, Set::of)).toList();
        String oldest = "bob\n97\nk-0";
        stores.get(0).append(message(97, "first"), oldest);
        List<String> neighbours = samePartition(hz.get(0), oldest, 31);
        stores.get(1).append(message(97, "second"), neighbours.get(0));
        assertThat(stores.get(0).append(message(97, "resent"), oldest).duplicate()).as("two fit").isTrue();
        for (String key : neighbours.subList(1, neighbours.size())) {
            stores.get(1).append(message(97, "more"), key);
            assertThat(stores.get(0).append(message(97, "resent"), key).duplicate()).as("the newest stays").isTrue();
        }
        assertThat(stores.get(1).append(message(97, "resent"), oldest).duplicate())
                .as("forgotten before its TTL: the resend publishes again").isFalse();
        assertThat(hz.get(0).getMap(HazelcastStreams.KEYS).size()).isLessThanOrEqualTo(2 * partitions);
    }

    /** Keys of the partition that holds {@code key}. */
    private static List<String> samePartition(HazelcastInstance member, String key, int count) {
        int partition = member.getPartitionService().getPartition(key).getPartitionId();
        List<String> keys = new ArrayList<>();
        for (int i = 1; keys.size() < count; i++) {
            String candidate = "bob\n97\nk-" + i;
            if (member.getPartitionService().getPartition(candidate).getPartitionId() == partition) {
                keys.add(candidate);
            }
        }
        return keys;
    }

    /** Stores whose epochs live 3 s after their last refresh, messages 1 s. */
    private static List<StreamStore> shortLived(List<HazelcastInstance> members,
                                                java.util.function.Supplier<Set<Integer>> roomsWithMembers) {
        return members.stream().map(m -> {
            HazelcastStreams.configure(m.getConfig(), SIZE, 1, 1000);
            return (StreamStore) new HazelcastStreams(m, SIZE, 1, 3, roomsWithMembers, true);
        }).toList();
    }

    /** The room rings a member knows of (proxies included). */
    private static List<String> rings(HazelcastInstance member) {
        return member.getDistributedObjects().stream().map(com.hazelcast.core.DistributedObject::getName)
                .filter(name -> name.startsWith(HazelcastStreams.RINGS)).toList();
    }

    /** Not a test of behaviour: the cost of an append, for docs/CLUSTER.md (-Droomcast.measure=true). */
    @Test
    @EnabledIfSystemProperty(named = "roomcast.measure", matches = "true")
    void measureAppendCost() {
        List<StreamStore> stores = stores(cluster(2, 0), 1000);
        MemoryStreams memory = new MemoryStreams(1000, TimeUnit.SECONDS.toNanos(TTL), 268_435_456L, r -> true,
                System::nanoTime);
        int rounds = 20_000;
        for (int pass = 0; pass < 2; pass++) { // the first pass warms up
            System.out.printf("append cost, pass %d: memory %.1f us, cluster (2 members, loopback) %.1f us, "
                            + "with an idempotency key %.1f us%n", pass,
                    micros(memory, rounds, false, 1000), micros(stores.get(0), rounds / 4, false, 2000),
                    micros(stores.get(0), rounds / 4, true, 3000));
        }
    }

    private static double micros(StreamStore store, int rounds, boolean keyed, int roomBase) {
        long started = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            RoomEvent.Message m = message(roomBase + i % 100, "a message of some forty characters, no more");
            store.append(m, keyed ? "user/" + m.id() : null);
        }
        return (System.nanoTime() - started) / 1000.0 / rounds;
    }

    private static RoomEvent.Message message(int room, String text) {
        return new RoomEvent.Message(room, UUID.randomUUID().toString(), "alice", text, null, System.currentTimeMillis());
    }

    private static List<StreamStore> stores(List<HazelcastInstance> members, int size) {
        return members.stream().filter(m -> m.getLifecycleService().isRunning())
                .map(m -> HazelcastStreams.create(m, size, TTL, Long.MAX_VALUE, Set::of)).toList();
    }

    private static int ownerOf(List<HazelcastInstance> hz, int room) {
        var owner = hz.get(0).getPartitionService().getPartition(HazelcastStreams.key(room)).getOwner();
        for (int i = 0; i < hz.size(); i++) {
            if (hz.get(i).getCluster().getLocalMember().getUuid().equals(owner.getUuid())) {
                return i;
            }
        }
        throw new IllegalStateException("no owner");
    }

    /** Data members, then lite members, all on loopback, each given the ports of all of them. */
    private List<HazelcastInstance> cluster(int data, int lite) {
        while (ports.size() < data + lite + 1) {
            int port = freePort();
            if (!ports.contains(port)) {
                ports.add(port);
            }
        }
        for (int i = 0; i < data; i++) {
            start(false);
        }
        for (int i = 0; i < lite; i++) {
            start(true);
        }
        int expected = data + lite;
        await().atMost(Duration.ofSeconds(60)).until(() -> members.get(0).getCluster().getMembers().size() == expected);
        return List.copyOf(members);
    }

    private HazelcastInstance start(boolean lite) {
        Config config = new Config();
        config.setClusterName(cluster);
        config.setLiteMember(lite);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.logging.type", "none");
        config.setProperty("hazelcast.wait.seconds.before.join", "0"); // members are listed: no need to wait
        config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(ports.get(members.size())).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        ports.forEach(p -> join.getTcpIpConfig().addMember("127.0.0.1:" + p));
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        members.add(member);
        return member;
    }

    /**
     * A free port below Linux's ephemeral range (32768-60999): a port the kernel hands out with
     * {@code new ServerSocket(0)} can be taken by any outgoing connection before Hazelcast binds it.
     */
    private static int freePort() {
        IOException last = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 20000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(10000);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException("no free port in 20000-29999", last);
    }
}
