package io.roomcast.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.CloseReasons;
import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.Identity;
import io.roomcast.connection.OutboundFrame;
import io.roomcast.connection.TestConnections;
import io.roomcast.room.event.RoomEvent;
import jakarta.websocket.CloseReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Delivery in offset order on one instance: messages out of turn wait, gaps are read from the stream. */
class RoomStreamsTest {

    private static final Pattern OFFSET = Pattern.compile("\"type\":\"message\".*\"offset\":(\\d+)");

    private final RoomRegistry rooms = new RoomRegistry();
    private final List<OutboundFrame> frames = Collections.synchronizedList(new ArrayList<>());
    private final List<CloseReason> closes = Collections.synchronizedList(new ArrayList<>());
    private final Connection member = TestConnections.connection("c1",
            new Identity("bob", true, "10.0.0.1", null, null, null), ConnectionKind.JSON, frames, closes);

    private SingleServerFanOut fanOut(Map<String, String> settings) {
        SingleServerFanOut single = SingleServerFanOut.of(rooms, new ConnectionRegistry(),
                RoomcastSettings.from(key -> Optional.ofNullable(settings.get(key))), event -> { });
        single.streams().join(member, 7, null,
                () -> rooms.join(7, member, new RoomRegistry.Limits(100, 100)));
        frames.clear();
        return single;
    }

    private static RoomEvent.Message stored(SingleServerFanOut single, String text) {
        return single.store().append(new RoomEvent.Message(7, "m-" + text, "alice", text, null, 1L), null).message();
    }

    private List<Long> deliveredOffsets() {
        List<Long> offsets = new ArrayList<>();
        synchronized (frames) {
            for (OutboundFrame frame : frames) {
                Matcher m = OFFSET.matcher(((OutboundFrame.Text) frame).text());
                if (m.find()) {
                    offsets.add(Long.parseLong(m.group(1)));
                }
            }
        }
        return offsets;
    }

    @Test
    void messagesArrivingOutOfTurnAreDeliveredInOffsetOrder() {
        SingleServerFanOut single = fanOut(Map.of());
        RoomEvent.Message first = stored(single, "a");
        RoomEvent.Message second = stored(single, "b");
        RoomEvent.Message third = stored(single, "c");

        single.streams().deliver(third, null);
        single.streams().deliver(first, null);
        assertThat(deliveredOffsets()).containsExactly(1L);
        single.streams().deliver(second, null);

        assertThat(deliveredOffsets()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aMessageDeliveredTwiceReachesTheMembersOnce() {
        SingleServerFanOut single = fanOut(Map.of());
        RoomEvent.Message first = stored(single, "a");

        single.streams().deliver(first, null);
        single.streams().deliver(first, null);

        assertThat(deliveredOffsets()).containsExactly(1L);
    }

    @Test
    void aGapThatNeverArrivesIsReadFromTheStream() {
        SingleServerFanOut single = fanOut(Map.of());
        stored(single, "a");
        stored(single, "b");
        RoomEvent.Message third = stored(single, "c");

        single.streams().deliver(third, null);

        await().atMost(Duration.ofSeconds(10)).until(() -> deliveredOffsets().size() == 3);
        assertThat(deliveredOffsets()).containsExactly(1L, 2L, 3L);
        assertThat(closes).isEmpty();
    }

    @Test
    void aGapTheStreamNoLongerKeepsClosesTheRoomsMembersAndTheyReceiveNothingPastIt() {
        SingleServerFanOut single = fanOut(Map.of("roomcast.history.size", "1"));
        stored(single, "a");
        stored(single, "b");
        RoomEvent.Message third = stored(single, "c"); // only this one is kept

        single.streams().deliver(third, null);

        await().atMost(Duration.ofSeconds(10)).until(() -> !closes.isEmpty());
        assertThat(closes).containsExactly(CloseReasons.MISSED_MESSAGES);
        single.streams().deliver(stored(single, "d"), null);
        assertThat(deliveredOffsets()).as("nothing past the gap reaches a member being closed for it, or it would "
                + "rejoin past the gap").isEmpty();
    }

    @Test
    void theAckFollowsTheSendersOwnCopy() {
        SingleServerFanOut single = fanOut(Map.of());
        RoomEvent.Message message = single.store()
                .append(new RoomEvent.Message(7, "m-1", "bob", "hi", "r1", 1L), null).message();

        single.streams().deliver(message, member);

        assertThat(frames).extracting(f -> ((OutboundFrame.Text) f).text())
                .satisfiesExactly(
                        copy -> assertThat(copy).contains("\"type\":\"message\"", "\"ref\":\"r1\""),
                        ack -> assertThat(ack).contains("\"type\":\"ack\"", "\"ref\":\"r1\"", "\"offset\":1"));
    }

    @Test
    void aReplayLargerThanHalfTheQueueIsPacedAndMeetsTheLiveMessagesWithNothingTwiceOrMissing() {
        SingleServerFanOut single = fanOut(Map.of("roomcast.limits.send-queue", "4"));
        String epoch = null;
        for (int i = 1; i <= 10; i++) {
            RoomEvent.Message m = stored(single, "a" + i);
            epoch = m.epoch();
            single.streams().deliver(m, null);
        }
        List<OutboundFrame> late = Collections.synchronizedList(new ArrayList<>());
        Connection carol = TestConnections.connection("c3", "carol", ConnectionKind.JSON, late);
        single.streams().join(carol, 7, new io.roomcast.stream.StreamPosition(epoch, 0),
                () -> rooms.join(7, carol, new RoomRegistry.Limits(100, 100)));
        for (int i = 11; i <= 30; i++) {
            single.streams().deliver(stored(single, "b" + i), null); // live, while the replay is paced
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> offsets(late).size() >= 30);
        assertThat(offsets(late)).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, 30).boxed().toList());
        assertThat(((OutboundFrame.Text) late.get(0)).text()).contains("\"recovered\":true", "\"missed\":10");
    }

    @Test
    void aPacedReplayWhoseNextMessageWasEvictedClosesTheMemberWith1013() {
        SingleServerFanOut single = fanOut(Map.of("roomcast.limits.send-queue", "4", "roomcast.history.size", "12"));
        String epoch = null;
        for (int i = 1; i <= 10; i++) {
            RoomEvent.Message m = stored(single, "a" + i);
            epoch = m.epoch();
            single.streams().deliver(m, null);
        }
        // a peer that reads nothing: the first frame stays in flight, the pacer waits for room in the queue
        List<CloseReason> stalledCloses = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean();
        List<java.util.function.Consumer<Throwable>> inFlight = Collections.synchronizedList(new ArrayList<>());
        io.roomcast.connection.FrameSink stalled = (frame, done) -> {
            if (reading.get()) {
                done.accept(null);
            } else {
                inFlight.add(done);
            }
        };
        Connection carol = new Connection("c3", new Identity("carol", true, "10.0.0.3", null, null, null),
                ConnectionKind.JSON, self -> new io.roomcast.connection.OutboundQueue(stalled, 4, 4_194_304,
                        Runnable::run, overflowNanos -> { }, e -> { }), stalledCloses::add, stalledCloses::add,
                new io.roomcast.connection.TokenBucket(20, 40, 0), 0);
        single.streams().join(carol, 7, new io.roomcast.stream.StreamPosition(epoch, 0),
                () -> rooms.join(7, carol, new RoomRegistry.Limits(100, 100)));
        await().atMost(Duration.ofSeconds(10)).until(() -> carol.queuedFrames() >= 2);
        for (int i = 11; i <= 40; i++) {
            single.streams().deliver(stored(single, "b" + i), null); // evicts what the pacer needs next
        }
        reading.set(true); // the peer reads again: the pacer reads on from the stream and finds the gap
        List.copyOf(inFlight).forEach(done -> done.accept(null));

        await().atMost(Duration.ofSeconds(10)).until(() -> !stalledCloses.isEmpty());
        assertThat(stalledCloses).containsExactly(CloseReasons.MISSED_MESSAGES);
        assertThat(closes).as("the live member is untouched").isEmpty();
    }

    private static List<Long> offsets(List<OutboundFrame> frames) {
        List<Long> offsets = new ArrayList<>();
        synchronized (frames) {
            for (OutboundFrame frame : frames) {
                Matcher m = OFFSET.matcher(((OutboundFrame.Text) frame).text());
                if (m.find()) {
                    offsets.add(Long.parseLong(m.group(1)));
                }
            }
        }
        return offsets;
    }
}
