package io.roomcast.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.QuotaOwner;
import io.roomcast.connection.TestConnections;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RoomRegistryTest {

    private static final RoomRegistry.Limits NO_LIMITS = new RoomRegistry.Limits(Integer.MAX_VALUE, Integer.MAX_VALUE);

    private final RoomRegistry registry = new RoomRegistry();

    @Test
    void aRoomExistsWhileItHasMembers() {
        Connection a = TestConnections.connection("a", "alice");
        Connection b = TestConnections.connection("b", "bob");
        assertThat(registry.join(7, a, NO_LIMITS)).isEqualTo(new RoomRegistry.Change(true, 1));
        assertThat(registry.join(7, b, NO_LIMITS)).isEqualTo(new RoomRegistry.Change(true, 2));
        assertThat(registry.roomCount()).isEqualTo(1);
        assertThat(a.rooms()).containsExactly(7);

        assertThat(registry.leave(7, a)).isEqualTo(new RoomRegistry.Change(true, 1));
        assertThat(registry.leave(7, b)).isEqualTo(new RoomRegistry.Change(true, 0));
        assertThat(registry.roomCount()).isZero();
        assertThat(registry.sizes()).isEmpty();
        assertThat(b.rooms()).isEmpty();
    }

    @Test
    void joiningTwiceChangesNothing() {
        Connection a = TestConnections.connection("a", "alice");
        registry.join(7, a, NO_LIMITS);
        assertThat(registry.join(7, a, NO_LIMITS)).isEqualTo(new RoomRegistry.Change(false, 1));
    }

    @Test
    void leavingARoomNotJoinedChangesNothing() {
        Connection a = TestConnections.connection("a", "alice");
        assertThat(registry.leave(7, a).changed()).isFalse();
        registry.join(8, a, NO_LIMITS);
        assertThat(registry.leave(7, a).changed()).isFalse();
        assertThat(registry.sizes()).isEqualTo(Map.of(8, 1));
    }

    @Test
    void concurrentJoinsAndLeavesNeverLoseAMember() throws Exception {
        int threads = 8;
        int rounds = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Connection> stayers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Connection stayer = TestConnections.connection("stay-" + t, "s" + t);
            Connection churner = TestConnections.connection("churn-" + t, "c" + t);
            stayers.add(stayer);
            pool.submit(() -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    registry.join(1, churner, NO_LIMITS);
                    registry.leave(1, churner);
                }
                registry.join(1, stayer, NO_LIMITS);
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(registry.members(1)).containsExactlyInAnyOrderElementsOf(stayers);
    }

    @Test
    void aJoinBeyondTheRoomsPerConnectionIsRefusedButRejoiningIsFine() {
        RoomRegistry.Limits two = new RoomRegistry.Limits(2, 100);
        Connection a = TestConnections.connection("a", "alice");
        assertThat(registry.join(1, a, two).changed()).isTrue();
        assertThat(registry.join(2, a, two).changed()).isTrue();
        RoomRegistry.Change third = registry.join(3, a, two);
        assertThat(third.refusal()).isEqualTo(RoomResult.Refusal.ROOMS_PER_CONNECTION);
        assertThat(registry.members(3)).isEmpty();
        assertThat(a.rooms()).containsExactlyInAnyOrder(1, 2);
        assertThat(registry.join(2, a, two)).isEqualTo(new RoomRegistry.Change(false, 1));
        registry.leave(1, a);
        assertThat(registry.join(3, a, two).changed()).isTrue();
    }

    @Test
    void aJoinThatWouldCreateARoomBeyondTheCapIsRefusedWhileExistingRoomsStayOpen() {
        RoomRegistry.Limits twoRooms = new RoomRegistry.Limits(100, 2);
        Connection a = TestConnections.connection("a", "alice");
        Connection b = TestConnections.connection("b", "bob");
        registry.join(1, a, twoRooms);
        registry.join(2, a, twoRooms);
        assertThat(registry.hasRoomFor(3, 2)).isFalse();
        assertThat(registry.join(3, b, twoRooms).refusal()).isEqualTo(RoomResult.Refusal.ROOMS);
        assertThat(registry.roomCount()).isEqualTo(2);
        assertThat(b.rooms()).isEmpty();
        assertThat(registry.hasRoomFor(2, 2)).isTrue();
        assertThat(registry.join(2, b, twoRooms)).isEqualTo(new RoomRegistry.Change(true, 2));
        // a room that empties gives its slot back
        registry.leave(1, a);
        assertThat(registry.join(3, b, twoRooms).changed()).isTrue();
    }

    @Test
    void concurrentJoinsNeverCreateMoreRoomsThanTheCapAndSlotsComeBack() throws Exception {
        int cap = 50;
        int threads = 8;
        RoomRegistry.Limits limits = new RoomRegistry.Limits(Integer.MAX_VALUE, cap);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger created = new AtomicInteger();
        AtomicInteger overCap = new AtomicInteger();
        java.util.concurrent.CyclicBarrier churnDone = new java.util.concurrent.CyclicBarrier(threads);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            pool.submit(() -> {
                start.await();
                Connection churner = TestConnections.connection("churn-" + thread, "c" + thread);
                for (int i = 0; i < 2_000; i++) {
                    int room = 1 + (i * threads + thread) % 500;
                    if (!registry.join(room, churner, limits).refused()) {
                        created.incrementAndGet();
                        if (registry.roomCount() > cap) {
                            overCap.incrementAndGet();
                        }
                        registry.leave(room, churner);
                    }
                }
                churnDone.await(); // then every thread races for the free slots with rooms that stay
                Connection stayer = TestConnections.connection("stay-" + thread, "s" + thread);
                for (int room = 1000 + thread * 100; room < 1000 + thread * 100 + 100; room++) {
                    registry.join(room, stayer, limits);
                }
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(overCap).as("room count seen above the cap").hasValue(0);
        assertThat(created.get()).isPositive();
        assertThat(registry.roomCount()).as("every slot taken by the stayers, none leaked").isEqualTo(cap);
    }

    private static Connection guest(String id, String address) {
        return TestConnections.connection(id, TestConnections.guest("guest-" + id, address), ConnectionKind.JSON,
                new ArrayList<>());
    }

    @Test
    void theRoomsOfAllConnectionsOfOneUserAreCappedAndARoomHeldTwiceCountsOnce() {
        RoomRegistry.Limits three = new RoomRegistry.Limits(100, 100, 3);
        Connection a = TestConnections.connection("a", "alice");
        Connection b = TestConnections.connection("b", "alice");
        Connection bob = TestConnections.connection("c", "bob");
        assertThat(registry.join(1, a, three).changed()).isTrue();
        assertThat(registry.join(2, a, three).changed()).isTrue();
        assertThat(registry.join(2, b, three).changed()).as("a room alice holds already").isTrue();
        assertThat(registry.join(3, b, three).changed()).isTrue();
        assertThat(registry.roomsOf(QuotaOwner.user("alice"))).isEqualTo(3);

        assertThat(registry.join(4, b, three).refusal()).isEqualTo(RoomResult.Refusal.ROOMS_PER_USER);
        assertThat(registry.join(4, a, three).refusal()).isEqualTo(RoomResult.Refusal.ROOMS_PER_USER);
        assertThat(registry.members(4)).isEmpty();
        assertThat(registry.roomCount()).as("a refused join takes no room slot").isEqualTo(3);
        assertThat(b.rooms()).containsExactlyInAnyOrder(2, 3);
        assertThat(registry.join(1, b, three).changed()).as("any room alice holds stays open to her").isTrue();
        assertThat(registry.join(4, bob, three).changed()).as("another user has a quota of his own").isTrue();
        assertThat(registry.withinQuota(QuotaOwner.user("alice"), 4, 3)).isFalse();
        assertThat(registry.withinQuota(QuotaOwner.user("alice"), 2, 3)).isTrue();

        registry.leave(2, a);
        assertThat(registry.join(4, a, three).refusal()).as("b is still in room 2").isEqualTo(RoomResult.Refusal.ROOMS_PER_USER);
        registry.leave(2, b);
        assertThat(registry.roomsOf(QuotaOwner.user("alice"))).isEqualTo(2);
        assertThat(registry.join(4, a, three).changed()).isTrue();
    }

    @Test
    void guestsAreCountedByTheirAddress() {
        RoomRegistry.Limits two = new RoomRegistry.Limits(100, 100, 2);
        Connection first = guest("g1", "192.0.2.1");
        Connection second = guest("g2", "192.0.2.1");
        Connection elsewhere = guest("g3", "192.0.2.2");
        registry.join(1, first, two);
        registry.join(2, second, two);
        assertThat(registry.join(3, second, two).refusal()).isEqualTo(RoomResult.Refusal.ROOMS_PER_USER);
        assertThat(registry.join(3, elsewhere, two).changed()).isTrue();
        assertThat(registry.roomsOf(QuotaOwner.address("192.0.2.1"))).isEqualTo(2);
        assertThat(registry.roomsOf(QuotaOwner.user("192.0.2.1"))).as("a user of that name is someone else").isZero();
    }

    @Test
    void aJoinRefusedByTheRoomCapChargesNoQuotaAndEveryOwnerGoesWithItsLastRoom() {
        RoomRegistry.Limits oneRoom = new RoomRegistry.Limits(100, 1, 5);
        Connection a = TestConnections.connection("a", "alice");
        Connection b = TestConnections.connection("b", "bob");
        registry.join(1, a, oneRoom);
        assertThat(registry.join(2, b, oneRoom).refusal()).isEqualTo(RoomResult.Refusal.ROOMS);
        assertThat(registry.roomsOf(QuotaOwner.user("bob"))).isZero();
        assertThat(registry.owners()).isEqualTo(1);
        registry.join(1, b, oneRoom);
        registry.leave(1, a);
        registry.leave(1, b);
        assertThat(registry.owners()).as("no entry is left behind").isZero();
    }

    @Test
    void concurrentJoinsOfOneUserNeverPassItsQuota() throws Exception {
        int quota = 20;
        int threads = 8;
        RoomRegistry.Limits limits = new RoomRegistry.Limits(Integer.MAX_VALUE, Integer.MAX_VALUE, quota);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger overQuota = new AtomicInteger();
        List<Connection> connections = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Connection connection = TestConnections.connection("c" + t, "alice");
            connections.add(connection);
            int thread = t;
            pool.submit(() -> {
                start.await();
                for (int i = 0; i < 2_000; i++) {
                    int room = 1 + (i * 7 + thread * 13) % 200;
                    if (!registry.join(room, connection, limits).refused()) {
                        if (registry.roomsOf(QuotaOwner.user("alice")) > quota) {
                            overQuota.incrementAndGet();
                        }
                        if (i % 3 != 0) {
                            registry.leave(room, connection);
                        }
                    }
                }
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(overQuota).as("quota seen passed").hasValue(0);
        java.util.Set<Integer> held = new java.util.HashSet<>();
        connections.forEach(c -> held.addAll(c.rooms()));
        assertThat(held).hasSizeLessThanOrEqualTo(quota);
        assertThat(registry.roomsOf(QuotaOwner.user("alice"))).as("the count is the rooms really held").isEqualTo(held.size());
        assertThat(registry.roomCount()).isEqualTo(held.size());
    }
}
