package io.roomcast.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.OutboundFrame;
import io.roomcast.connection.TestConnections;
import io.roomcast.room.event.RoomEvent;
import io.roomcast.stream.StreamPosition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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

    /**
     * A client that saw offsets 1 and 2 on another instance reconnects here before this instance has
     * delivered them (their notification still on its way, as in bench/chaos-durable.sh): the stream has
     * its position, so it recovers, and this instance's members get 1 and 2 first.
     */
    @Test
    void aJoinSinceAPositionTheStreamHasButThisInstanceHasNotDeliveredYetRecovers() {
        RoomEvent.Message first = room.stored("a");
        room.stored("b");
        List<OutboundFrame> frames = Collections.synchronizedList(new ArrayList<>());
        Connection carol = TestConnections.connection("c3", "carol", ConnectionKind.JSON, frames);

        room.join(carol, new StreamPosition(first.epoch(), 2));

        assertThat(((OutboundFrame.Text) frames.get(0)).text()).contains("\"recovered\":true", "\"missed\":0", "\"offset\":2");
        assertThat(StreamedRoom.offsets(frames)).isEmpty();
        assertThat(room.deliveredOffsets()).containsExactly(1L, 2L);
    }
}
