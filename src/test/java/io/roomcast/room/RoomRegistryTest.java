package io.roomcast.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.connection.Connection;
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

    private final RoomRegistry rooms = new RoomRegistry();

    @Test
    void aRoomExistsWhileItHasMembers() {
        Connection a = TestConnections.connection("a", "alice");
        Connection b = TestConnections.connection("b", "bob");
        assertThat(rooms.join(7, a, NO_LIMITS)).isEqualTo(new RoomRegistry.Change(true, 1));
        assertThat(rooms.join(7, b, NO_LIMITS)).isEqualTo(new RoomRegistry.Change(true, 2));
        assertThat(rooms.roomCount()).isEqualTo(1);
        assertThat(a.rooms()).containsExactly(7);

        assertThat(rooms.leave(7, a)).isEqualTo(new RoomRegistry.Change(true, 1));
        assertThat(rooms.leave(7, b)).isEqualTo(new RoomRegistry.Change(true, 0));
        assertThat(rooms.roomCount()).isZero();
        assertThat(rooms.sizes()).isEmpty();
        assertThat(b.rooms()).isEmpty();
    }

    @Test
    void joiningTwiceChangesNothing() {
        Connection a = TestConnections.connection("a", "alice");
        rooms.join(7, a, NO_LIMITS);
        assertThat(rooms.join(7, a, NO_LIMITS)).isEqualTo(new RoomRegistry.Change(false, 1));
    }

    @Test
    void leavingARoomNotJoinedChangesNothing() {
        Connection a = TestConnections.connection("a", "alice");
        assertThat(rooms.leave(7, a).changed()).isFalse();
        rooms.join(8, a, NO_LIMITS);
        assertThat(rooms.leave(7, a).changed()).isFalse();
        assertThat(rooms.sizes()).isEqualTo(Map.of(8, 1));
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
                    rooms.join(1, churner, NO_LIMITS);
                    rooms.leave(1, churner);
                }
                rooms.join(1, stayer, NO_LIMITS);
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(rooms.members(1)).containsExactlyInAnyOrderElementsOf(stayers);
    }

    @Test
    void aJoinBeyondTheRoomsPerConnectionIsRefusedButRejoiningIsFine() {
        RoomRegistry.Limits two = new RoomRegistry.Limits(2, 100);
        Connection a = TestConnections.connection("a", "alice");
        assertThat(rooms.join(1, a, two).changed()).isTrue();
        assertThat(rooms.join(2, a, two).changed()).isTrue();
        RoomRegistry.Change third = rooms.join(3, a, two);
        assertThat(third.refusal()).isEqualTo(RoomRegistry.Refusal.ROOMS_PER_CONNECTION);
        assertThat(rooms.members(3)).isEmpty();
        assertThat(a.rooms()).containsExactlyInAnyOrder(1, 2);
        assertThat(rooms.join(2, a, two)).isEqualTo(new RoomRegistry.Change(false, 1));
        rooms.leave(1, a);
        assertThat(rooms.join(3, a, two).changed()).isTrue();
    }

    @Test
    void aJoinThatWouldCreateARoomBeyondTheCapIsRefusedWhileExistingRoomsStayOpen() {
        RoomRegistry.Limits twoRooms = new RoomRegistry.Limits(100, 2);
        Connection a = TestConnections.connection("a", "alice");
        Connection b = TestConnections.connection("b", "bob");
        rooms.join(1, a, twoRooms);
        rooms.join(2, a, twoRooms);
        assertThat(rooms.hasRoomFor(3, 2)).isFalse();
        assertThat(rooms.join(3, b, twoRooms).refusal()).isEqualTo(RoomRegistry.Refusal.ROOMS);
        assertThat(rooms.roomCount()).isEqualTo(2);
        assertThat(b.rooms()).isEmpty();
        assertThat(rooms.hasRoomFor(2, 2)).isTrue();
        assertThat(rooms.join(2, b, twoRooms)).isEqualTo(new RoomRegistry.Change(true, 2));
        // a room that empties gives its slot back
        rooms.leave(1, a);
        assertThat(rooms.join(3, b, twoRooms).changed()).isTrue();
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
                    if (!rooms.join(room, churner, limits).refused()) {
                        created.incrementAndGet();
                        if (rooms.roomCount() > cap) {
                            overCap.incrementAndGet();
                        }
                        rooms.leave(room, churner);
                    }
                }
                churnDone.await(); // then every thread races for the free slots with rooms that stay
                Connection stayer = TestConnections.connection("stay-" + thread, "s" + thread);
                for (int room = 1000 + thread * 100; room < 1000 + thread * 100 + 100; room++) {
                    rooms.join(room, stayer, limits);
                }
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(overCap).as("room count seen above the cap").hasValue(0);
        assertThat(created.get()).isPositive();
        assertThat(rooms.roomCount()).as("every slot taken by the stayers, none leaked").isEqualTo(cap);
    }
}
