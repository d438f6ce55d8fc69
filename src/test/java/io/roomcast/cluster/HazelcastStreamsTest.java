package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import io.roomcast.room.event.RoomEvent;
import io.roomcast.scheduling.ApplicationScheduler;
import io.roomcast.stream.Appended;
import io.roomcast.stream.MemoryStreams;
import io.roomcast.stream.Placement;
import io.roomcast.stream.Slice;
import io.roomcast.stream.StreamStore;
import io.roomcast.stream.StreamUnavailableException;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The cluster's stream store on real Hazelcast members (the version Payara Micro ships), embedded in
 * this JVM on loopback with a cluster name of their own: offsets from one ring whichever member
 * appends, the epoch through the loss of a member and anew after the loss of every copy, idempotency
 * keys cluster-wide, and reads below the head; and PROTOCOL 13.10: operations through the quorum fence,
 * structures apart per secret, kept messages and key entries that do not open never believed.
 */
// Each test builds a grid of its own (its own cluster name and ports) and mostly waits for members and
// TTLs: three at a time take a third of the time, and nothing is shared between them.
@Execution(ExecutionMode.CONCURRENT)
class HazelcastStreamsTest {

    private static final int SIZE = 50;
    private static final long TTL = 300;
    private static final String SECRET = "a cluster secret of at least 32 bytes, for tests";
    private static final ClusterSeal SEAL = ClusterSeal.of(SECRET);
    private static final HazelcastStreams.Names NAMES = HazelcastStreams.Names.in(SEAL.namespace());
    /** Answers nothing: the stores' buses are started only to answer and count the quorum fence's pings. */
    private static final BusListener SILENT = new BusListener() {
        @Override
        public void received(Origin origin, BusEvent event) {
        }

        @Override
        public void memberLost(String member) {
        }

        @Override
        public BusEvent.Snapshot snapshot() {
            return new BusEvent.Snapshot(0, List.of(), List.of());
        }
    };

    private final TestGrid grid = new TestGrid();
    private final List<ClusterBus> buses = new ArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final AtomicInteger rejected = new AtomicInteger();
    private final ApplicationScheduler scheduler = new ApplicationScheduler();
    private final AtomicInteger lanesMade = new AtomicInteger();

    /** Each store its own lane, as each instance has. */
    private java.util.concurrent.ScheduledExecutorService cleanupLane() {
        return scheduler.lane("stream-cleanup-" + lanesMade.incrementAndGet());
    }

    @AfterEach
    void stop() {
        buses.forEach(ClusterBus::stop);
        grid.close();
        executor.shutdownNow();
        scheduler.close();
    }

    @Test
    void offsetsFollowOneAnotherWhicheverMemberAppends() {
        List<StreamStore> stores = stores(grid.cluster(2, 0), SIZE);
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
        List<StreamStore> stores = stores(grid.cluster(2, 0), SIZE);
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
        List<HazelcastInstance> hz = grid.cluster(2, 0);
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
        List<HazelcastInstance> hz = grid.cluster(2, 1);
        HazelcastInstance lite = hz.get(2);
        StreamStore watcher = stores(List.of(lite), SIZE).get(0);
        int room = 31;
        RoomEvent.Message first = watcher.append(message(room, "one"), null).message();
        watcher.append(message(room, "two"), null);
        hz.get(0).getLifecycleService().terminate();
        hz.get(1).getLifecycleService().terminate();
        grid.start(false); // a data member for the partitions to go to, empty

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
        List<HazelcastInstance> hz = grid.cluster(2, 1);
        HazelcastInstance lite = hz.get(2);
        HazelcastStreams.configure(lite.getConfig(), NAMES, SIZE, (int) TTL, 1000);
        StreamStore watcher = new HazelcastStreams(lite, SEAL, MajorityFence.ALONE, rejected::incrementAndGet, SIZE,
                (int) TTL, 2 * TTL + 60, Set::of, false, cleanupLane());
        int room = 35;
        RoomEvent.Message first = watcher.append(message(room, "one"), null).message();
        hz.get(0).getLifecycleService().terminate();
        hz.get(1).getLifecycleService().terminate();
        grid.start(false);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> watcher.open(room + 1).epoch() != null);

        RoomEvent.Message again = watcher.append(message(room, "two"), null).message();
        assertThat(again.epoch()).isNotEqualTo(first.epoch());
        assertThat(again.offset()).isEqualTo(1);
        assertThat(watcher.read(room, 0, 10, false).messages()).containsExactly(again);
    }

    @Test
    void aKeySeenOnOneMemberIsADuplicateOnTheOther() {
        List<StreamStore> stores = stores(grid.cluster(2, 0), SIZE);
        Appended first = stores.get(0).append(message(41, "hello"), "alice/41/r1");
        Appended repeat = stores.get(1).append(message(41, "hello again"), "alice/41/r1");
        assertThat(first.duplicate()).isFalse();
        assertThat(repeat.duplicate()).isTrue();
        assertThat(Placement.of(repeat.message())).isEqualTo(Placement.of(first.message()));
        assertThat(stores.get(1).read(41, 0, 10, false).messages()).containsExactly(first.message());
    }

    @Test
    void repeatsRacingAFirstPublishOnBothMembersPublishOnce() throws Exception {
        List<StreamStore> stores = stores(grid.cluster(2, 0), SIZE);
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
        StreamStore store = stores(grid.cluster(1, 0), 5).get(0);
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
        StreamStore cluster = stores(grid.cluster(1, 0), 8).get(0);
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
        List<StreamStore> stores = stores(grid.cluster(2, 0), 0);
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
        List<HazelcastInstance> hz = grid.cluster(2, 0);
        List<StreamStore> stores = stores(hz, SIZE);
        int room = 91;
        for (StreamStore store : stores) {
            assertThat(store.head(room)).isEqualTo(Slice.none());
            assertThat(store.read(room, 0, 100, true)).isEqualTo(Slice.none());
            assertThat(store.read(room, 7, 100, false)).isEqualTo(Slice.none());
        }
        for (HazelcastInstance member : hz) {
            assertThat(member.<String, String>getMap(NAMES.epochs()).containsKey(NAMES.key(room)))
                    .isFalse();
            assertThat(rings(member)).as("no ring, not even a proxy").isEmpty();
        }
        assertThat(stores).extracting(StreamStore::streams).containsOnly(0L);
    }

    @Test
    void aStreamOpenedByAJoinHasTheEpochItsFirstMessageGets() {
        List<StreamStore> stores = stores(grid.cluster(2, 0), SIZE);
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
        List<HazelcastInstance> hz = grid.cluster(2, 0);
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
        List<HazelcastInstance> hz = grid.cluster(2, 0);
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
        List<HazelcastInstance> hz = grid.cluster(2, 0);
        List<StreamStore> stores = stores(hz, SIZE);
        Appended first = stores.get(0).append(message(96, "x".repeat(60_000)), "alice\n96\nbig");
        byte[] kept = hz.get(1).<String, byte[]>getMap(NAMES.keys()).get("alice\n96\nbig");
        assertThat(kept.length).as("id, epoch and offset, and the seal: tens of bytes").isLessThan(160);
        assertThat(StoredMessages.placementOf(SEAL.open("key:alice\n96\nbig", kept)))
                .isEqualTo(Placement.of(first.message()));
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
        List<HazelcastInstance> hz = grid.cluster(2, 0);
        int partitions = hz.get(0).getPartitionService().getPartitions().size();
        long maxBytes = 2L * HazelcastStreams.KEY_COST * partitions; // two keys per partition
        assertThat(HazelcastStreams.keysPerPartition(maxBytes, partitions)).isEqualTo(2);
        List<StreamStore> stores = stores(hz, SIZE, SECRET, 1, maxBytes);
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
        assertThat(hz.get(0).getMap(NAMES.keys()).size()).isLessThanOrEqualTo(2 * partitions);
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
    private List<StreamStore> shortLived(List<HazelcastInstance> members,
                                         java.util.function.Supplier<Set<Integer>> roomsWithMembers) {
        return members.stream().map(m -> {
            HazelcastStreams.configure(m.getConfig(), NAMES, SIZE, 1, 1000);
            return (StreamStore) new HazelcastStreams(m, SEAL, MajorityFence.ALONE, rejected::incrementAndGet, SIZE, 1, 3,
                    roomsWithMembers, true, cleanupLane());
        }).toList();
    }

    /** The room rings a member knows of (proxies included). */
    private static List<String> rings(HazelcastInstance member) {
        return member.getDistributedObjects().stream().map(com.hazelcast.core.DistributedObject::getName)
                .filter(name -> name.startsWith(NAMES.rings())).toList();
    }

    @Test
    void appendsAndReadsNeedAMajorityOfTheClusterSizeAnsweringAfterThem() {
        // roomcast.cluster.size=3: a quorum of 2. Each store's bus answers the others' pings.
        List<HazelcastInstance> hz = grid.cluster(3, 0);
        List<StreamStore> stores = stores(hz, SIZE, SECRET, 2);
        RoomEvent.Message first = stores.get(0).append(message(91, "three of three"), null).message();
        assertThat(first.offset()).isEqualTo(1);

        hz.get(2).getLifecycleService().terminate();
        await().atMost(Duration.ofSeconds(60)).until(() -> hz.get(0).getCluster().getMembers().size() == 2);
        RoomEvent.Message second = stores.get(0).append(message(91, "two of three"), null).message();
        assertThat(second.offset()).isEqualTo(2);
        assertThat(stores.get(1).read(91, 0, 10, false).messages()).containsExactly(first, second);

        hz.get(1).getLifecycleService().terminate();
        await().atMost(Duration.ofSeconds(60)).until(() -> hz.get(0).getCluster().getMembers().size() == 1);
        StreamStore alone = stores.get(0);
        assertThatThrownBy(() -> alone.append(message(91, "one of three"), "alice/91/r1"))
                .isInstanceOf(StreamUnavailableException.class);
        assertThatThrownBy(() -> alone.read(91, 0, 10, false)).isInstanceOf(StreamUnavailableException.class);
        assertThatThrownBy(() -> alone.head(91)).isInstanceOf(StreamUnavailableException.class);
    }

    @Test
    void anInstanceThatOthersDoNotAnswerWithholdsWhatItAppended() {
        // Two members of a cluster of size 3: the other one runs no Roomcast of this secret, so nobody
        // answers the fence: the message is placed, but never acknowledged (the append fails).
        List<HazelcastInstance> hz = grid.cluster(2, 0);
        StreamStore lonely = stores(List.of(hz.get(0)), SIZE, SECRET, 2).get(0);
        stores(List.of(hz.get(1)), SIZE, "another cluster's secret, 32 bytes+", 2);
        assertThatThrownBy(() -> lonely.append(message(95, "unanswered"), "bob/95/r1"))
                .isInstanceOf(StreamUnavailableException.class);
        // its idempotency key was not recorded: a resend on a store with a majority publishes it
        StreamStore sizeOne = stores(List.of(hz.get(1)), SIZE, SECRET, 1).get(0);
        Appended resent = sizeOne.append(message(95, "unanswered"), "bob/95/r1");
        assertThat(resent.duplicate()).isFalse();
    }

    @Test
    void storesOfAnotherSecretOnTheSameGridShareNoStream() {
        List<HazelcastInstance> hz = grid.cluster(2, 0);
        StreamStore ours = stores(List.of(hz.get(0)), SIZE, SECRET, 1).get(0);
        StreamStore theirs = stores(List.of(hz.get(1)), SIZE, "another cluster's secret, 32 bytes+", 1).get(0);
        RoomEvent.Message mine = ours.append(message(93, "ours"), "carol/93/a").message();
        Appended other = theirs.append(message(93, "theirs"), "carol/93/a");
        assertThat(other.duplicate()).as("the same key in another cluster").isFalse();
        assertThat(mine.offset()).isEqualTo(1);
        assertThat(other.message().offset()).isEqualTo(1);
        assertThat(ours.read(93, 0, 10, false).messages()).containsExactly(mine);
        assertThat(theirs.read(93, 0, 10, false).messages()).containsExactly(other.message());
    }

    @Test
    void aKeptMessageWhoseSealDoesNotOpenIsNeverHandedOutAndIsCounted() {
        List<HazelcastInstance> hz = grid.cluster(1, 0);
        StreamStore store = stores(hz, SIZE).get(0);
        store.append(message(97, "genuine"), null);
        // A stranger on the grid writes into the ring: unsealed, or sealed for another room.
        RoomEvent.Message genuine = store.read(97, 0, 10, false).messages().get(0);
        String ring = HazelcastStreams.ring(NAMES.key(97), genuine.epoch());
        hz.get(0).getRingbuffer(ring).add(StoredMessages.encode(message(97, "forged")));
        assertThatThrownBy(() -> store.read(97, 0, 10, false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("seal");
        assertThat(rejected).hasValue(1);

        RoomEvent.Message genuine98 = store.append(message(98, "genuine"), null).message();
        String otherRing = HazelcastStreams.ring(NAMES.key(98), genuine98.epoch());
        hz.get(0).getRingbuffer(otherRing)
                .add(SEAL.seal(NAMES.key(97), StoredMessages.encode(message(98, "copied from room 97"))));
        assertThatThrownBy(() -> store.read(98, 0, 10, false)).isInstanceOf(IllegalStateException.class);
        assertThat(rejected).hasValue(2);
    }

    @Test
    void anIdempotencyEntryWhoseSealDoesNotOpenIsNotBelievedAndIsCounted() {
        List<HazelcastInstance> hz = grid.cluster(1, 0);
        StreamStore store = stores(hz, SIZE).get(0);
        String keys = NAMES.keys();
        RoomEvent.Message forged = new RoomEvent.Message(99, "forged-id", "mallory", "forged", null, 0, "e", 41);
        hz.get(0).<String, byte[]>getMap(keys).put("dave/99/r1", StoredMessages.encode(forged));

        Appended appended = store.append(message(99, "genuine"), "dave/99/r1");
        assertThat(appended.duplicate()).isFalse();
        assertThat(appended.message().text()).isEqualTo("genuine");
        assertThat(rejected).hasValue(1);
        assertThat(store.append(message(99, "again"), "dave/99/r1").duplicate()).isTrue();
    }

    /** Not a test of behaviour: the cost of an append, for docs/CLUSTER.md (-Droomcast.measure=true). */
    @Test
    @EnabledIfSystemProperty(named = "roomcast.measure", matches = "true")
    void measureAppendCost() {
        List<HazelcastInstance> hz = grid.cluster(2, 0);
        List<StreamStore> stores = stores(hz, 1000);
        // roomcast.cluster.size=3 on two members: each append waits for the other member's answer to its ping
        List<StreamStore> fenced = stores(hz, 1000, SECRET, 2);
        MemoryStreams memory = new MemoryStreams(1000, TimeUnit.SECONDS.toNanos(TTL), 268_435_456L, r -> true,
                System::nanoTime);
        int rounds = 20_000;
        for (int pass = 0; pass < 2; pass++) { // the first pass warms up
            System.out.printf("append cost, pass %d: memory %.1f us, cluster (2 members, loopback) %.1f us, "
                            + "with an idempotency key %.1f us, with the quorum fence %.1f us, fence and key %.1f us%n",
                    pass, micros(memory, rounds, false, 1000), micros(stores.get(0), rounds / 4, false, 2000),
                    micros(stores.get(0), rounds / 4, true, 3000), micros(fenced.get(0), rounds / 4, false, 4000),
                    micros(fenced.get(0), rounds / 4, true, 5000));
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

    /** A store per running member, each over its own bus (started: it answers the fence's pings), quorum 1. */
    private List<StreamStore> stores(List<HazelcastInstance> members, int size) {
        return stores(members, size, SECRET, 1);
    }

    private List<StreamStore> stores(List<HazelcastInstance> members, int size, String secret, int quorum) {
        return stores(members, size, secret, quorum, Long.MAX_VALUE);
    }

    private List<StreamStore> stores(List<HazelcastInstance> members, int size, String secret, int quorum,
                                     long maxBytes) {
        List<StreamStore> stores = new ArrayList<>();
        for (HazelcastInstance member : members) {
            if (member.getLifecycleService().isRunning()) {
                ClusterBus bus = HazelcastBus.create(member, new BusSetup("instance-" + UUID.randomUUID(), executor,
                        ClusterSeal.of(secret), quorum, () -> { }, rejected::incrementAndGet));
                bus.start(SILENT);
                buses.add(bus);
                stores.add(HazelcastStreams.create(member, ClusterSeal.of(secret), bus.fence(), size, TTL, maxBytes,
                        Set::of, rejected::incrementAndGet, cleanupLane()));
            }
        }
        return stores;
    }

    private static int ownerOf(List<HazelcastInstance> hz, int room) {
        var owner = hz.get(0).getPartitionService().getPartition(NAMES.key(room)).getOwner();
        for (int i = 0; i < hz.size(); i++) {
            if (hz.get(i).getCluster().getLocalMember().getUuid().equals(owner.getUuid())) {
                return i;
            }
        }
        throw new IllegalStateException("no owner");
    }

}
