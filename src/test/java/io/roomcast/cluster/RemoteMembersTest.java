package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.protocol.ServerFrames.InstanceFigure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RemoteMembersTest {

    private final RemoteMembers remote = new RemoteMembers();
    private final Origin a = new Origin("member-a", "inst-a");
    private final Origin b = new Origin("member-b", "inst-b");

    @Test
    void countsMembersAcrossInstancesAndIgnoresRepeats() {
        remote.joined(a, 7, "c1", "alice");
        remote.joined(a, 7, "c1", "alice"); // applied twice: still one member
        remote.joined(b, 7, "c2", "bob");
        remote.joined(b, 8, "c2", "bob");
        assertThat(remote.members(7)).isEqualTo(2);
        assertThat(remote.sizes()).isEqualTo(Map.of(7, 2, 8, 1));

        remote.left(b, 7, "c2");
        remote.left(b, 7, "c2");
        assertThat(remote.members(7)).isEqualTo(1);
        assertThat(remote.sizes()).isEqualTo(Map.of(7, 1, 8, 1));
    }

    @Test
    void aSnapshotReplacesWhatWasKnown() {
        remote.joined(a, 7, "old", "ghost");
        remote.replace(a, new BusEvent.Snapshot(3, List.of(new BusEvent.Membership(9, "c1", "alice")),
                List.of(new BusEvent.ClientSession("c1", 42))));
        assertThat(remote.members(7)).isZero();
        assertThat(remote.members(9)).isEqualTo(1);
        assertThat(remote.hasClient(42)).isTrue();
        assertThat(remote.connections()).isEqualTo(3);
    }

    @Test
    void clientIdsAreCountedPerConnection() {
        remote.client(a, "c1", 42, true);
        remote.client(b, "c2", 42, true);
        remote.client(a, "c1", 42, false);
        assertThat(remote.hasClient(42)).isTrue();
        remote.client(b, "c2", 42, false);
        assertThat(remote.hasClient(42)).isFalse();
    }

    @Test
    void losingAMemberForgetsItsInstancesAndReportsTheirMemberships() {
        remote.joined(a, 7, "c1", "alice");
        remote.joined(a, 8, "c1", "alice");
        remote.joined(a, 7, "c3", "anne");
        remote.joined(b, 7, "c2", "bob");
        remote.figures(a, 2);
        remote.figures(b, 1);

        List<RemoteMembers.Departure> gone = remote.forgetMember("member-a");

        assertThat(gone).containsExactlyInAnyOrder(new RemoteMembers.Departure(7, "alice"),
                new RemoteMembers.Departure(8, "alice"), new RemoteMembers.Departure(7, "anne"));
        assertThat(remote.members(7)).isEqualTo(1);
        assertThat(remote.instances()).containsExactly(new InstanceFigure("inst-b", 1));
        assertThat(remote.isLive(a)).isFalse();
        assertThat(remote.isLive(b)).isTrue();
    }

    @Test
    void eventsOfALostInstanceMakeNoViewOfIt() {
        remote.joined(a, 7, "c1", "alice");
        remote.forgetMember("member-a");

        remote.joined(a, 7, "c1", "alice");
        remote.left(a, 7, "c1");
        remote.client(a, "c1", 42, true);
        remote.figures(a, 5);
        assertThat(remote.seen(a)).isFalse();

        assertThat(remote.members(7)).isZero();
        assertThat(remote.hasClient(42)).isFalse();
        assertThat(remote.connections()).isZero();
        assertThat(remote.instances()).isEmpty();
        assertThat(remote.isLive(a)).isFalse();
        assertThat(remote.isLost(a)).isTrue();
    }

    @Test
    void aLostInstanceIsTakenBackByItsSnapshotOnItsNewMember() {
        remote.joined(a, 7, "c1", "alice");
        remote.forgetMember("member-a");
        Origin back = new Origin("member-a2", "inst-a"); // merged back: Hazelcast gave its member a new UUID

        RemoteMembers.Resync resync = remote.replace(back, new BusEvent.Snapshot(2,
                List.of(new BusEvent.Membership(7, "c1", "alice"), new BusEvent.Membership(8, "c1", "alice")),
                List.of(new BusEvent.ClientSession("c1", 42))));

        assertThat(remote.isLive(a)).isTrue();
        assertThat(remote.isLost(a)).isFalse();
        assertThat(resync.arrivals()).containsExactly(new RemoteMembers.Departure(7, "alice"),
                new RemoteMembers.Departure(8, "alice"));
        assertThat(resync.departures()).isEmpty();
        assertThat(remote.members(7)).isEqualTo(1);
        assertThat(remote.hasClient(42)).isTrue();
        assertThat(remote.instances()).containsExactly(new InstanceFigure("inst-a", 2));

        // Its events count again, and losing its new member forgets it again.
        remote.joined(back, 9, "c2", "anne");
        assertThat(remote.members(9)).isEqualTo(1);
        assertThat(remote.forgetMember("member-a")).isEmpty();
        assertThat(remote.forgetMember("member-a2")).hasSize(3);
        assertThat(remote.isLost(a)).isTrue();
    }

    @Test
    void aSnapshotReportsTheMembershipsThatCameAndWent() {
        remote.joined(a, 7, "c1", "alice");
        remote.joined(a, 7, "c2", "anne");

        RemoteMembers.Resync resync = remote.replace(a, new BusEvent.Snapshot(2,
                List.of(new BusEvent.Membership(7, "c1", "alice"), new BusEvent.Membership(8, "c3", "amy")),
                List.of()));

        assertThat(resync.arrivals()).containsExactly(new RemoteMembers.Departure(8, "amy"));
        assertThat(resync.departures()).containsExactly(new RemoteMembers.Departure(7, "anne"));
    }

    @Test
    void anInstanceThatSaidGoodbyeIsNotTakenBackEvenByASnapshot() {
        remote.joined(a, 7, "c1", "alice");
        assertThat(remote.forget("inst-a")).containsExactly(new RemoteMembers.Departure(7, "alice"));

        RemoteMembers.Resync resync = remote.replace(a, new BusEvent.Snapshot(1,
                List.of(new BusEvent.Membership(7, "c1", "alice")), List.of()));

        assertThat(resync.arrivals()).isEmpty();
        assertThat(remote.members(7)).isZero();
        assertThat(remote.hasDeparted(a)).isTrue();
        assertThat(remote.isLost(a)).isFalse();
        assertThat(remote.isLive(a)).isFalse();
    }

    @Test
    void aLostInstanceIsAskedToResyncAtMostOncePerGap() {
        remote.figures(a, 1);
        assertThat(remote.resyncDue(a, 1_000, 100)).as("a live instance needs no resync").isFalse();
        remote.forgetMember("member-a");

        assertThat(remote.resyncDue(a, 1_000, 100)).isTrue();
        assertThat(remote.resyncDue(a, 1_050, 100)).isFalse();
        assertThat(remote.resyncDue(a, 1_100, 100)).isTrue();
    }

    @Test
    void aViewFollowsItsInstanceToANewMember() {
        remote.joined(a, 7, "c1", "alice");
        remote.figures(new Origin("member-a2", "inst-a"), 1);

        assertThat(remote.forgetMember("member-a2")).containsExactly(new RemoteMembers.Departure(7, "alice"));
    }
}
