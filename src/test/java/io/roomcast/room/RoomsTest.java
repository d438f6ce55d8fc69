package io.roomcast.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.OutboundFrame;
import io.roomcast.connection.TestConnections;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Joins racing with the end of a connection (a heartbeat timeout, a slow-consumer drop or a close
 * while a join frame is being handled): the real Rooms and RoomRegistry, a single server.
 */
class RoomsTest {

    private final RoomRegistry registry = new RoomRegistry();
    private final Rooms rooms = SingleServerRooms.of(registry, new ConnectionRegistry(),
            RoomcastSettings.from(key -> Optional.empty()), event -> {
                // a single server: nothing is replicated
            }).rooms();
    private final List<OutboundFrame> observed = Collections.synchronizedList(new ArrayList<>());
    private final Connection observer = TestConnections.connection("obs", "observer", ConnectionKind.JSON, observed);

    @Test
    void aJoinAfterTheEndLeavesNoMemberBehind() {
        rooms.join(new RoomCommand.Join(observer, 7));
        Connection ghost = TestConnections.connection("g", "ghost");
        rooms.join(new RoomCommand.Join(ghost, 8));

        rooms.end(new RoomCommand.End(ghost));
        RoomResult.JoinOutcome late = rooms.join(new RoomCommand.Join(ghost, 7));

        assertThat(late).isEqualTo(new RoomResult.Refused(7, RoomResult.Refusal.ENDED));
        assertThat(registry.members(7)).containsExactly(observer);
        assertThat(registry.roomCount()).as("room 8 is gone, no room created").isEqualTo(1);
        assertThat(ghost.rooms()).isEmpty();
        assertThat(presence("ghost")).as("no presence for a join that did not happen").isEmpty();
    }

    @Test
    void joinsRacingWithTheEndNeverLeaveAMemberOrAnUnbalancedPresence() throws Exception {
        rooms.join(new RoomCommand.Join(observer, 1));
        int connections = 400;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Connection> ghosts = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Connection ghost = TestConnections.connection("g" + i, "ghost-" + i);
            ghosts.add(ghost);
            int personalRoom = 100 + i;
            CountDownLatch go = new CountDownLatch(1);
            pool.submit(() -> {
                go.await();
                for (int j = 0; j < 20; j++) {
                    rooms.join(new RoomCommand.Join(ghost, 1));
                    rooms.join(new RoomCommand.Join(ghost, personalRoom));
                    rooms.leave(new RoomCommand.Leave(ghost, personalRoom));
                }
                return null;
            });
            pool.submit(() -> {
                go.await();
                rooms.end(new RoomCommand.End(ghost));
                return null;
            });
            go.countDown();
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        assertThat(registry.members(1)).containsExactly(observer);
        assertThat(registry.roomCount()).isEqualTo(1);
        for (Connection ghost : ghosts) {
            assertThat(ghost.rooms()).as(ghost.user()).isEmpty();
            List<String> events = presence(ghost.user());
            long joins = events.stream().filter(e -> e.contains("\"event\":\"join\"")).count();
            long leaves = events.size() - joins;
            assertThat(joins).as("presence of %s: %s", ghost.user(), events).isEqualTo(leaves).isLessThanOrEqualTo(1);
        }
    }

    /** The presence frames the observer received about a user. */
    private List<String> presence(String user) {
        synchronized (observed) {
            return observed.stream().map(f -> ((OutboundFrame.Text) f).text())
                    .filter(t -> t.contains("\"type\":\"presence\"") && t.contains("\"user\":\"" + user + "\""))
                    .toList();
        }
    }
}
