package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.Ids;
import io.roomcast.room.EventSink;
import io.roomcast.protocol.ServerFrames.InstanceFigure;
import io.roomcast.room.event.RoomEvent;
import io.roomcast.room.Rooms;
import io.roomcast.status.StatusPublisher;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the receiving side treats an instance that was lost and comes back, without Hazelcast: the
 * events go straight to the receiver; what it publishes in answer, and the presence it would deliver
 * to this instance's members (it has none here), are recorded.
 */
class ClusterReceiverTest {

    private final Origin b = new Origin("member-b", "inst-b");
    private final Origin bMerged = new Origin("member-b2", "inst-b"); // same instance, new member UUID
    private final List<BusEvent> published = new CopyOnWriteArrayList<>();
    private final List<String> presence = new CopyOnWriteArrayList<>();
    private final AtomicInteger catchUps = new AtomicInteger();
    private final List<String> roomCatchUps = new CopyOnWriteArrayList<>();
    private ClusterReceiver receiver;

    @BeforeEach
    void wire() {
        Ids ids = new Ids();
        RemoteMembers remote = new RemoteMembers();
        ClusterBus bus = new ClusterBus() {
            @Override
            public Origin self() {
                return new Origin("member-a", ids.instance());
            }

            @Override
            public boolean clustered() {
                return true;
            }

            @Override
            public boolean local() {
                return false;
            }

            @Override
            public void start(BusListener listener) {
            }

            @Override
            public void publish(BusEvent event) {
                published.add(event);
            }

            @Override
            public long uniqueNumber() {
                return 0;
            }

            @Override
            public void stop() {
            }

            @Override
            public MajorityFence fence() {
                return MajorityFence.ALONE;
            }
        };
        Rooms rooms = new Rooms() {
            @Override
            public int members(int room) {
                return remote.members(room); // no members on this instance
            }
        };
        EventSink local = new EventSink() {
            @Override
            public void deliver(RoomEvent event) {
                if (event instanceof RoomEvent.Presence p) {
                    presence.add(p.room() + (p.joined() ? " join " : " leave ") + p.user() + " " + p.members());
                } else if (event instanceof RoomEvent.Message m) {
                    presence.add("message " + m.text()); // must not happen in these tests
                }
            }

            @Override
            public void catchUp() {
                catchUps.incrementAndGet();
            }

            @Override
            public void catchUp(int room, long latest) {
                roomCatchUps.add(room + ":" + latest);
            }
        };
        StatusPublisher status = new StatusPublisher() {
            @Override
            public void changed() {
                // no status sessions here
            }
        };
        receiver = new ClusterReceiver(bus, remote, rooms, local, status, new ConnectionRegistry(), ids);
    }

    private static BusEvent.Snapshot snapshotOfBob() {
        return new BusEvent.Snapshot(1, List.of(new BusEvent.Membership(7, "c1", "bob")), List.of());
    }

    @Test
    void aLostMemberMakesThisInstanceCatchUpFromTheStreams() {
        receiver.received(b, snapshotOfBob());
        catchUps.set(0);
        receiver.memberLost("member-b");
        // its messages appended but not yet published on the bus are only in the streams
        assertThat(catchUps).hasValue(1);
    }

    @Test
    void aSnapshotMakesThisInstanceCatchUpFromTheStreams() {
        // a snapshot follows an overflow of the origin's bus backlog: its dropped messages are in the streams
        receiver.received(b, snapshotOfBob());
        assertThat(catchUps).hasValue(1);
        receiver.received(b, new BusEvent.Presence(8, "c2", "bob", true, 1));
        assertThat(catchUps).hasValue(1);
    }

    @Test
    void eventsOfALostInstanceAreIgnoredAndAnsweredWithOneResyncRequest() {
        receiver.received(b, snapshotOfBob());
        receiver.memberLost("member-b");
        assertThat(receiver.remote.members(7)).isZero();
        assertThat(presence).containsExactly("7 join bob 1", "7 leave bob 0");

        receiver.received(bMerged, new BusEvent.Presence(8, "c1", "bob", true, 1));
        receiver.received(bMerged, new BusEvent.Figures(3));
        receiver.received(bMerged, new BusEvent.Message(new RoomEvent.Message(7, "m1", "bob", "hi", null, 1L, null, 0)));

        assertThat(receiver.remote.members(8)).isZero();
        assertThat(receiver.remote.instances()).isEmpty();
        assertThat(published).containsExactly(new BusEvent.SyncRequest());
        assertThat(presence).hasSize(2);
    }

    @Test
    void aSnapshotOfALostInstanceTakesItBackAndIsAnsweredWithOurs() {
        receiver.received(b, snapshotOfBob());
        receiver.memberLost("member-b");

        receiver.received(bMerged, snapshotOfBob());

        assertThat(presence).containsExactly("7 join bob 1", "7 leave bob 0", "7 join bob 1");
        assertThat(receiver.remote.members(7)).isEqualTo(1);
        assertThat(receiver.remote.instances()).containsExactly(new InstanceFigure("inst-b", 1));
        assertThat(published).singleElement().isInstanceOf(BusEvent.Snapshot.class);
        // Its events count again, and it is lost again with its new member.
        receiver.received(bMerged, new BusEvent.Presence(8, "c1", "bob", true, 1));
        assertThat(receiver.remote.members(8)).isEqualTo(1);
        receiver.memberLost("member-b2");
        assertThat(receiver.remote.instances()).isEmpty();
    }

    @Test
    void anInstanceThatSaidGoodbyeIsNotTakenBackAndNotAskedToResync() {
        receiver.received(b, snapshotOfBob());
        receiver.received(b, new BusEvent.Goodbye());

        receiver.received(b, snapshotOfBob()); // queued before its goodbye was sent directly
        receiver.received(b, new BusEvent.Figures(2));

        assertThat(receiver.remote.instances()).isEmpty();
        assertThat(published).isEmpty();
    }

    @Test
    void aResyncRequestOfAKnownInstanceKeepsItsFigures() {
        receiver.received(b, snapshotOfBob());
        receiver.received(b, new BusEvent.Figures(4));

        receiver.received(b, new BusEvent.SyncRequest()); // as after its split-brain merge

        assertThat(receiver.remote.instances()).containsExactly(new InstanceFigure("inst-b", 4));
        assertThat(receiver.remote.members(7)).isEqualTo(1);
    }

    @Test
    void aPresenceAlreadyAnnouncedWithASnapshotIsNotAnnouncedAgain() {
        receiver.received(b, snapshotOfBob()); // taken just after bob joined, published before the join event

        receiver.received(b, new BusEvent.Presence(7, "c1", "bob", true, 1));
        receiver.received(b, new BusEvent.Presence(7, "c1", "bob", false, 0));
        receiver.received(b, new BusEvent.Presence(7, "c1", "bob", false, 0));

        assertThat(presence).containsExactly("7 join bob 1", "7 leave bob 0");
    }

    @Test
    void aStreamThatAdvancedIsCaughtUpUpToItsLatestOffset() {
        receiver.streamAdvanced(7, 41);

        assertThat(roomCatchUps).containsExactly("7:41");
        assertThat(catchUps).hasValue(0);
    }

    @Test
    void streamsThatMayHaveAdvancedUnseenMakeEveryRoomCatchUp() {
        receiver.streamsMayHaveAdvanced();

        assertThat(catchUps).hasValue(1);
        assertThat(roomCatchUps).isEmpty();
    }
}
