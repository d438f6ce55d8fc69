package io.roomcast.room;

import io.roomcast.room.event.RoomEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.Ids;
import io.roomcast.connection.TestConnections;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The room domain on its own: what it publishes into the fan-out port, once per change. */
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
    private final RoomService rooms = new RoomService(registry, new Ids(),
            RoomcastSettings.from(key -> Optional.empty()), new RecordingFanOut(published), elsewhere);
    private final DirectService direct = new DirectService(connections, new RecordingFanOut(published), elsewhere);
    private final Connection alice = TestConnections.connection("c1", "alice");

    @Test
    void aJoinPublishesOnePresenceWithTheCountOnEveryInstance() {
        elsewhereMembers = 2;

        RoomRegistry.Change change = rooms.join(alice, 7);
        rooms.join(alice, 7); // again: no change, no event

        assertThat(change.members()).isEqualTo(3);
        assertThat(published).containsExactly(new RoomEvent.Presence(7, "c1", "alice", true, 3));
    }

    @Test
    void aLeavePublishesPresenceOnlyForAMember() {
        rooms.join(alice, 7);
        published.clear();

        assertThat(rooms.leave(alice, 8)).isFalse();
        assertThat(rooms.leave(alice, 7)).isTrue();

        assertThat(published).containsExactly(new RoomEvent.Presence(7, "c1", "alice", false, 0));
    }

    @Test
    void theEndLeavesEveryRoom() {
        rooms.join(alice, 1);
        rooms.join(alice, 2);
        published.clear();

        rooms.ended(alice);

        assertThat(published).extracting(e -> ((RoomEvent.Presence) e).room()).containsExactlyInAnyOrder(1, 2);
        assertThat(registry.roomCount()).isZero();
    }

    @Test
    void aPublicationIsOneMessageEventWithItsIdAndTimestamp() {
        rooms.publish(7, "alice", "hi", "r1", null, null);

        assertThat(published).singleElement().isInstanceOfSatisfying(RoomEvent.Message.class, m -> {
            assertThat(m.room()).isEqualTo(7);
            assertThat(m.text()).isEqualTo("hi");
            assertThat(m.ref()).isEqualTo("r1");
            assertThat(m.id()).isNotBlank();
            assertThat(m.timestamp()).isPositive();
        });
    }

    @Test
    void aBinaryRelayCopiesTheBytesOnce() {
        ByteBuffer bytes = ByteBuffer.wrap(new byte[] {1, 2, 3});

        rooms.relayBinary(7, bytes);

        assertThat(((RoomEvent.Binary) published.get(0)).bytes()).containsExactly(1, 2, 3);
        assertThat(bytes.remaining()).isZero();
    }

    @Test
    void aDirectMessageToAClientIdConnectedNowhereIsNotPublished() {
        assertThat(direct.send("alice", 5, "hi")).isFalse();
        assertThat(published).isEmpty();

        clientElsewhere = true;
        assertThat(direct.send("alice", 5, "hi")).isTrue();
        assertThat(published).singleElement().isInstanceOf(RoomEvent.Direct.class);
    }

    @Test
    void aSecureSessionOpeningAndEndingIsPublished() {
        Connection secure = TestConnections.connection("s1", TestConnections.secure("bob", 5), ConnectionKind.JSON,
                new ArrayList<>());

        direct.opened(secure);
        direct.ended(secure);
        direct.opened(alice); // no client id: nothing

        assertThat(published).containsExactly(new RoomEvent.ClientSession("s1", 5, true),
                new RoomEvent.ClientSession("s1", 5, false));
    }
}
