package io.roomcast.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.connection.CloseReasons;
import io.roomcast.room.event.RoomEvent;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Gaps in a room's delivery are read from its stream; a gap the stream no longer covers closes the members. */
class GapFillerTest {

    @Test
    void aGapThatNeverArrivesIsReadFromTheStream() {
        StreamedRoom room = new StreamedRoom(Map.of());
        room.stored("a");
        room.stored("b");
        RoomEvent.Message third = room.stored("c");

        room.sequencers().deliver(third, null);

        await().atMost(Duration.ofSeconds(10)).until(() -> room.deliveredOffsets().size() == 3);
        assertThat(room.deliveredOffsets()).containsExactly(1L, 2L, 3L);
        assertThat(room.closes).isEmpty();
    }

    @Test
    void aGapTheStreamNoLongerKeepsClosesTheRoomsMembersAndTheyReceiveNothingPastIt() {
        StreamedRoom room = new StreamedRoom(Map.of("roomcast.history.size", "1"));
        room.stored("a");
        room.stored("b");
        RoomEvent.Message third = room.stored("c"); // only this one is kept

        room.sequencers().deliver(third, null);

        await().atMost(Duration.ofSeconds(10)).until(() -> !room.closes.isEmpty());
        assertThat(room.closes).containsExactly(CloseReasons.MISSED_MESSAGES);
        room.sequencers().deliver(room.stored("d"), null);
        assertThat(room.deliveredOffsets()).as("nothing past the gap reaches a member being closed for it, or it "
                + "would rejoin past it").isEmpty();
    }

    @Test
    void aCatchUpReadsWhatThisInstanceMissedWithoutWaitingForALaterMessage() {
        StreamedRoom room = new StreamedRoom(Map.of());
        room.stored("a"); // in the stream, never delivered here (dropped on its way from another instance)
        room.stored("b");

        room.sequencers().catchUp();

        await().atMost(Duration.ofSeconds(10)).until(() -> room.deliveredOffsets().size() == 2);
        assertThat(room.deliveredOffsets()).containsExactly(1L, 2L);
        assertThat(room.closes).isEmpty();
    }
}
