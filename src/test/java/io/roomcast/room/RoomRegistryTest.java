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
import org.junit.jupiter.api.Test;

class RoomRegistryTest {

    private final RoomRegistry rooms = new RoomRegistry();

    @Test
    void aRoomExistsWhileItHasMembers() {
        Connection a = TestConnections.connection("a", "alice");
        Connection b = TestConnections.connection("b", "bob");
        assertThat(rooms.join(7, a)).isEqualTo(new RoomRegistry.Change(true, 1));
        assertThat(rooms.join(7, b)).isEqualTo(new RoomRegistry.Change(true, 2));
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
        rooms.join(7, a);
        assertThat(rooms.join(7, a)).isEqualTo(new RoomRegistry.Change(false, 1));
    }

    @Test
    void leavingARoomNotJoinedChangesNothing() {
        Connection a = TestConnections.connection("a", "alice");
        assertThat(rooms.leave(7, a).changed()).isFalse();
        rooms.join(8, a);
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
                    rooms.join(1, churner);
                    rooms.leave(1, churner);
                }
                rooms.join(1, stayer);
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(rooms.members(1)).containsExactlyInAnyOrderElementsOf(stayers);
    }
}
