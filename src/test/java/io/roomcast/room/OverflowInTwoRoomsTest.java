package io.roomcast.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.FrameSink;
import io.roomcast.connection.Identity;
import io.roomcast.connection.OutboundFrame;
import io.roomcast.connection.OutboundQueue;
import io.roomcast.connection.TokenBucket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL 13.7 and the lock order of the fan-out: members of two rooms overflow at the same moment, each
 * room's messages queued under that room's sequencer lock. Were the disconnect run inside the offer that
 * overflowed (it leaves every room of the connection, taking each room's lock), one publisher would take
 * room B's lock inside room A's while the other takes A's inside B's. The queues hand the disconnect to an
 * executor: every round ends, the slow members leave both rooms and the others are told.
 */
class OverflowInTwoRoomsTest {

    private static final int ROUNDS = 2000;
    private static final int MESSAGES = 20;
    /** Small queues, so that both slow members overflow within a few messages of each room. */
    private static final int QUEUE = 4;

    private final RoomRegistry registry = new RoomRegistry();
    private final RoomcastSettings settings = RoomcastSettings.from(key -> Optional.empty());
    private final Rooms rooms = SingleServerRooms.of(registry, new ConnectionRegistry(), settings, event -> { })
            .rooms();
    /** Where the queues hand their overflow to: the lifecycle's executor in production. */
    private final ExecutorService handOff = Executors.newFixedThreadPool(2, daemon("hand-off"));
    private final ExecutorService publishers = Executors.newFixedThreadPool(2, daemon("publisher"));

    @AfterEach
    void stop() {
        handOff.shutdownNow();
        publishers.shutdownNow();
    }

    @Test
    void membersOfTwoRoomsOverflowingAtOnceLeaveBothRoomsAndNothingHangs() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (int round = 0; round < ROUNDS; round++) {
                oneRound(2 * round + 1, 2 * round + 2);
            }
        }, "a publisher or the hand-off is stuck: the locks of two rooms were taken in opposite orders");
    }

    private void oneRound(int roomA, int roomB) throws Exception {
        // Two members that read nothing, each in both rooms, and one that reads, in each room.
        Connection slow1 = slow("slow1-" + roomA);
        Connection slow2 = slow("slow2-" + roomA);
        List<OutboundFrame> seenInA = Collections.synchronizedList(new ArrayList<>());
        List<OutboundFrame> seenInB = Collections.synchronizedList(new ArrayList<>());
        Connection readerA = reader("readerA-" + roomA, seenInA);
        Connection readerB = reader("readerB-" + roomA, seenInB);
        join(readerA, roomA);
        join(readerB, roomB);
        for (Connection member : List.of(slow1, slow2)) {
            join(member, roomA);
            join(member, roomB);
        }

        CyclicBarrier start = new CyclicBarrier(2);
        Future<?> intoA = publishers.submit(() -> flood(start, roomA));
        Future<?> intoB = publishers.submit(() -> flood(start, roomB));
        intoA.get(30, TimeUnit.SECONDS);
        intoB.get(30, TimeUnit.SECONDS);

        soon().until(() -> slow1.rooms().isEmpty() && slow2.rooms().isEmpty());
        assertThat(registry.members(roomA)).containsExactly(readerA);
        assertThat(registry.members(roomB)).containsExactly(readerB);
        soon().until(() -> leaves(seenInA) == 2 && leaves(seenInB) == 2);
        rooms.end(new RoomCommand.End(readerA));
        rooms.end(new RoomCommand.End(readerB));
    }

    /** Awaits an outcome of the hand-off, looking at once and then every millisecond (thousands of rounds). */
    private static org.awaitility.core.ConditionFactory soon() {
        return await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1));
    }

    private Void flood(CyclicBarrier start, int room) throws Exception {
        start.await(30, TimeUnit.SECONDS);
        for (int i = 0; i < MESSAGES; i++) {
            rooms.publish(RoomCommand.Publish.line(room, "alice", "m" + i));
        }
        return null;
    }

    private void join(Connection member, int room) {
        rooms.join(new RoomCommand.Join(member, room));
    }

    /** A member whose first frame is never written: its queue fills and overflows. */
    private Connection slow(String id) {
        FrameSink neverWritten = (frame, done) -> { };
        return new Connection(id, identity(id), ConnectionKind.JSON,
                self -> new OutboundQueue(neverWritten, QUEUE, 4_194_304, handOff,
                        // what ConnectionLifecycle.end does about rooms
                        overflowNanos -> rooms.end(new RoomCommand.End(self)),
                        failure -> rooms.end(new RoomCommand.End(self))),
                reason -> { }, reason -> { }, new TokenBucket(20, 40, 0), 0);
    }

    /** A member whose frames are written at once, inline, as a fast socket does. */
    private Connection reader(String id, List<OutboundFrame> seen) {
        FrameSink immediate = (frame, done) -> {
            seen.add(frame);
            done.accept(null);
        };
        return new Connection(id, identity(id), ConnectionKind.JSON,
                self -> new OutboundQueue(immediate, 100_000, Long.MAX_VALUE, handOff, overflowNanos -> { },
                        failure -> { }),
                reason -> { }, reason -> { }, new TokenBucket(20, 40, 0), 0);
    }

    private static Identity identity(String user) {
        return new Identity(user, true, "10.0.0.1", null, null, null);
    }

    private static long leaves(List<OutboundFrame> frames) {
        synchronized (frames) {
            return frames.stream().filter(f -> f instanceof OutboundFrame.Text t && t.text().contains("\"presence\"")
                    && t.text().contains("\"leave\"") && t.text().contains("\"slow")).count();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, "overflow-test-" + name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
