package io.roomcast.room;

import io.roomcast.room.event.RoomEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.TestConnections;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the room feature publishes, once per change: the events it hands to the other instances, which are
 * exactly those it delivered here (a single server whose replication records them).
 */
class RoomEventsTest {

    private final List<RoomEvent> published = new ArrayList<>();
    private final RoomRegistry registry = new RoomRegistry();
    private final ConnectionRegistry connections = new ConnectionRegistry();
    private int elsewhereMembers;
    private boolean clientElsewhere;
    private final MembersElsewhere elsewhere = new MembersElsewhere() {
        @Override
        public int members(int room) {
            return elsewhereMembers;
        }

        @Override
        public boolean hasClient(int clientId) {
            return clientElsewhere;
        }
    };
    private final Rooms rooms = SingleServerRooms.of(registry, connections,
            RoomcastSettings.from(key -> Optional.empty()), published::add, elsewhere).rooms();
    private final Connection alice = TestConnections.connection("c1", "alice");

    @Test
    void aJoinPublishesOnePresenceWithTheCountOnEveryInstance() {
        elsewhereMembers = 2;

        RoomResult.JoinOutcome outcome = rooms.join(new RoomCommand.Join(alice, 7));
        rooms.join(new RoomCommand.Join(alice, 7)); // again: no change, no event

        assertThat(outcome).isEqualTo(new RoomResult.Joined(7, 3));
        assertThat(published).containsExactly(new RoomEvent.Presence(7, "c1", "alice", true, 3));
    }

    @Test
    void aLeavePublishesPresenceOnlyForAMember() {
        rooms.join(new RoomCommand.Join(alice, 7));
        published.clear();

        assertThat(rooms.leave(new RoomCommand.Leave(alice, 8)).wasMember()).isFalse();
        assertThat(rooms.leave(new RoomCommand.Leave(alice, 7)).wasMember()).isTrue();

        assertThat(published).containsExactly(new RoomEvent.Presence(7, "c1", "alice", false, 0));
    }

    @Test
    void theEndLeavesEveryRoom() {
        rooms.join(new RoomCommand.Join(alice, 1));
        rooms.join(new RoomCommand.Join(alice, 2));
        published.clear();

        rooms.end(new RoomCommand.End(alice));

        assertThat(published).extracting(e -> ((RoomEvent.Presence) e).room()).containsExactlyInAnyOrder(1, 2);
        assertThat(registry.roomCount()).isZero();
    }

    @Test
    void aPublicationIsOneMessageEventWithItsIdAndTimestamp() {
        RoomResult.Published result = rooms.publish(RoomCommand.Publish.frame(alice, 7, "hi", "r1"));

        assertThat(published).singleElement().isInstanceOfSatisfying(RoomEvent.Message.class, m -> {
            assertThat(m.room()).isEqualTo(7);
            assertThat(m.text()).isEqualTo("hi");
            assertThat(m.ref()).isEqualTo("r1");
            assertThat(m.id()).isNotBlank();
            assertThat(m.timestamp()).isPositive();
            assertThat(result).isEqualTo(new RoomResult.Published(m.id(), m.epoch(), m.offset()));
        });
    }

    @Test
    void aBinaryRelayCopiesTheBytesOnce() {
        ByteBuffer bytes = ByteBuffer.wrap(new byte[] {1, 2, 3});

        rooms.relay(new RoomCommand.Relay(7, bytes));

        assertThat(((RoomEvent.Binary) published.get(0)).bytes()).containsExactly(1, 2, 3);
        assertThat(bytes.remaining()).isZero();
    }

    @Test
    void aDirectMessageToAClientIdConnectedNowhereIsNotPublished() {
        assertThat(rooms.direct(new RoomCommand.Direct("alice", 5, "hi")).connected()).isFalse();
        assertThat(published).isEmpty();

        clientElsewhere = true;
        assertThat(rooms.direct(new RoomCommand.Direct("alice", 5, "hi")).connected()).isTrue();
        assertThat(published).singleElement().isInstanceOf(RoomEvent.Direct.class);
    }

    @Test
    void aSecureSessionOpeningAndEndingIsPublished() {
        Connection secure = TestConnections.connection("s1", TestConnections.secure("bob", 5), ConnectionKind.JSON,
                new ArrayList<>());

        rooms.open(new RoomCommand.Open(secure));
        rooms.end(new RoomCommand.End(secure));
        rooms.open(new RoomCommand.Open(alice)); // no client id: nothing

        assertThat(published).containsExactly(new RoomEvent.ClientSession("s1", 5, true),
                new RoomEvent.ClientSession("s1", 5, false));
    }
}
