package io.roomcast.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.connection.OutboundFrame;
import io.roomcast.room.event.RoomEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Delivery in offset order on one instance: messages out of turn wait, each reaches the members once. */
class RoomSequencersTest {

    private final StreamedRoom room = new StreamedRoom(Map.of());

    @Test
    void messagesArrivingOutOfTurnAreDeliveredInOffsetOrder() {
        RoomEvent.Message first = room.stored("a");
        RoomEvent.Message second = room.stored("b");
        RoomEvent.Message third = room.stored("c");

        room.sequencers().deliver(third, null);
        room.sequencers().deliver(first, null);
        assertThat(room.deliveredOffsets()).containsExactly(1L);
        room.sequencers().deliver(second, null);

        assertThat(room.deliveredOffsets()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aMessageDeliveredTwiceReachesTheMembersOnce() {
        RoomEvent.Message first = room.stored("a");

        room.sequencers().deliver(first, null);
        room.sequencers().deliver(first, null);

        assertThat(room.deliveredOffsets()).containsExactly(1L);
    }

    @Test
    void theAckFollowsTheSendersOwnCopy() {
        RoomEvent.Message message = room.single.store()
                .append(new RoomEvent.Message(7, "m-1", "bob", "hi", "r1", 1L), null).message();

        room.sequencers().deliver(message, room.member);

        assertThat(room.frames).extracting(f -> ((OutboundFrame.Text) f).text())
                .satisfiesExactly(
                        copy -> assertThat(copy).contains("\"type\":\"message\"", "\"ref\":\"r1\""),
                        ack -> assertThat(ack).contains("\"type\":\"ack\"", "\"ref\":\"r1\"", "\"offset\":1"));
    }
}
