package io.roomcast.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.connection.CloseReasons;
import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.FrameSink;
import io.roomcast.connection.Identity;
import io.roomcast.connection.OutboundFrame;
import io.roomcast.connection.OutboundQueue;
import io.roomcast.connection.TestConnections;
import io.roomcast.connection.TokenBucket;
import io.roomcast.room.event.RoomEvent;
import io.roomcast.stream.StreamPosition;
import jakarta.websocket.CloseReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** A recovery replay larger than half the joiner's queue is paced, and meets the live messages exactly. */
class ReplayPacerTest {

    @Test
    void aReplayLargerThanHalfTheQueueIsPacedAndMeetsTheLiveMessagesWithNothingTwiceOrMissing() {
        StreamedRoom room = new StreamedRoom(Map.of("roomcast.limits.send-queue", "4"));
        String epoch = deliverTen(room);
        List<OutboundFrame> late = Collections.synchronizedList(new ArrayList<>());
        Connection carol = TestConnections.connection("c3", "carol", ConnectionKind.JSON, late);
        room.join(carol, new StreamPosition(epoch, 0));
        for (int i = 11; i <= 30; i++) {
            room.sequencers().deliver(room.stored("b" + i), null); // live, while the replay is paced
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> StreamedRoom.offsets(late).size() >= 30);
        assertThat(StreamedRoom.offsets(late)).containsExactlyElementsOf(LongStream.rangeClosed(1, 30).boxed().toList());
        assertThat(((OutboundFrame.Text) late.get(0)).text()).contains("\"recovered\":true", "\"missed\":10");
    }

    @Test
    void aReplayWithinHalfTheQueueIsSentAtOnceAfterTheJoinedReply() {
        StreamedRoom room = new StreamedRoom(Map.of("roomcast.limits.send-queue", "40"));
        String epoch = deliverTen(room);
        List<OutboundFrame> late = Collections.synchronizedList(new ArrayList<>());
        Connection carol = TestConnections.connection("c3", "carol", ConnectionKind.JSON, late);

        room.join(carol, new StreamPosition(epoch, 4));

        assertThat(((OutboundFrame.Text) late.get(0)).text()).contains("\"recovered\":true", "\"missed\":6");
        assertThat(StreamedRoom.offsets(late)).as("queued before the join returned")
                .containsExactlyElementsOf(LongStream.rangeClosed(5, 10).boxed().toList());
    }

    @Test
    void aPacedReplayWhoseNextMessageWasEvictedClosesTheMemberWith1013() {
        StreamedRoom room = new StreamedRoom(Map.of("roomcast.limits.send-queue", "4", "roomcast.history.size", "12"));
        String epoch = deliverTen(room);
        // a peer that reads nothing: the first frame stays in flight, the pacer waits for room in the queue
        List<CloseReason> stalledCloses = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean reading = new AtomicBoolean();
        List<Consumer<Throwable>> inFlight = Collections.synchronizedList(new ArrayList<>());
        FrameSink stalled = (frame, done) -> {
            if (reading.get()) {
                done.accept(null);
            } else {
                inFlight.add(done);
            }
        };
        Connection carol = new Connection("c3", new Identity("carol", true, "10.0.0.3", null, null, null),
                ConnectionKind.JSON, self -> new OutboundQueue(stalled, 4, 4_194_304,
                        Runnable::run, overflowNanos -> { }, e -> { }), stalledCloses::add, stalledCloses::add,
                new TokenBucket(20, 40, 0), 0);
        room.join(carol, new StreamPosition(epoch, 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> carol.queuedFrames() >= 2);
        for (int i = 11; i <= 40; i++) {
            room.sequencers().deliver(room.stored("b" + i), null); // evicts what the pacer needs next
        }
        reading.set(true); // the peer reads again: the pacer reads on from the stream and finds the gap
        List.copyOf(inFlight).forEach(done -> done.accept(null));

        await().atMost(Duration.ofSeconds(10)).until(() -> !stalledCloses.isEmpty());
        assertThat(stalledCloses).containsExactly(CloseReasons.MISSED_MESSAGES);
        assertThat(room.closes).as("the live member is untouched").isEmpty();
    }

    /** Ten messages into room 7, delivered to its member; returns their epoch. */
    private static String deliverTen(StreamedRoom room) {
        String epoch = null;
        for (int i = 1; i <= 10; i++) {
            RoomEvent.Message m = room.stored("a" + i);
            epoch = m.epoch();
            room.sequencers().deliver(m, null);
        }
        return epoch;
    }
}
