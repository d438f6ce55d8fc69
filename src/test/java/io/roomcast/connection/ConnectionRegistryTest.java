package io.roomcast.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import org.junit.jupiter.api.Test;

class ConnectionRegistryTest {

    private final ConnectionRegistry connections = new ConnectionRegistry();

    @Test
    void addingAndRemovingKeepsCountsPerAddressAndPerUser() {
        Connection a = TestConnections.connection("a", "alice");
        Connection b = TestConnections.connection("b", "alice");
        Connection guest = TestConnections.connection("g", TestConnections.guest("guest-1", "10.0.0.1"),
                ConnectionKind.CHAT, new ArrayList<>());
        connections.add(a);
        connections.add(b);
        connections.add(guest);

        assertThat(connections.size()).isEqualTo(3);
        assertThat(connections.connectionsFromAddress("10.0.0.1")).isEqualTo(3);
        assertThat(connections.connectionsOfUser("alice")).isEqualTo(2);
        assertThat(connections.connectionsOfUser("guest-1")).isZero(); // guests are counted by address only

        assertThat(connections.remove(a)).isTrue();
        assertThat(connections.connectionsOfUser("alice")).isEqualTo(1);
        assertThat(connections.connectionsFromAddress("10.0.0.1")).isEqualTo(2);
    }

    @Test
    void removalIsIdempotentSoEveryEndingPathMayCallIt() {
        Connection a = TestConnections.connection("a", "alice");
        connections.add(a);
        assertThat(connections.remove(a)).isTrue();
        assertThat(connections.remove(a)).isFalse();
        assertThat(connections.size()).isZero();
        assertThat(connections.connectionsFromAddress("10.0.0.1")).isZero();
        assertThat(connections.connectionsOfUser("alice")).isZero();
    }

    @Test
    void clientIdsIndexSecureConnectionsForDirectMessages() {
        Connection first = TestConnections.connection("s1", TestConnections.secure("bob", 42), ConnectionKind.JSON, new ArrayList<>());
        Connection second = TestConnections.connection("s2", TestConnections.secure("bob", 42), ConnectionKind.JSON, new ArrayList<>());
        connections.add(first);
        connections.add(second);
        assertThat(connections.byClientId(42)).containsExactlyInAnyOrder(first, second);
        assertThat(connections.byClientId(43)).isEmpty();
        connections.remove(first);
        connections.remove(second);
        assertThat(connections.byClientId(42)).isEmpty();
    }

    @Test
    void anIdCannotBeRegisteredTwice() {
        connections.add(TestConnections.connection("a", "alice"));
        assertThatThrownBy(() -> connections.add(TestConnections.connection("a", "bob")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void reservationsHoldSlotsUntilTheSessionClaimsThem() {
        assertThat(connections.reserve("r1", "10.0.0.9", "zoe", 2, 1, 0)).isTrue();
        assertThat(connections.reserve("r2", "10.0.0.9", "zoe", 2, 1, 0)).as("user at its limit").isFalse();
        assertThat(connections.reserve("r3", "10.0.0.9", null, 2, 1, 0)).isTrue();
        assertThat(connections.reserve("r4", "10.0.0.9", null, 2, 1, 0)).as("address at its limit").isFalse();
        assertThat(connections.connectionsFromAddress("10.0.0.9")).isEqualTo(2);

        Connection zoe = TestConnections.connection("z", new Identity("zoe", true, "10.0.0.9", null, null, null, "r1"),
                ConnectionKind.JSON, new ArrayList<>());
        connections.add(zoe);
        assertThat(connections.connectionsFromAddress("10.0.0.9")).as("claimed, not counted twice").isEqualTo(2);
        assertThat(connections.connectionsOfUser("zoe")).isEqualTo(1);
        connections.remove(zoe);
        assertThat(connections.connectionsOfUser("zoe")).isZero();
        assertThat(connections.connectionsFromAddress("10.0.0.9")).isEqualTo(1);
    }

    @Test
    void reservationsWhoseSessionNeverOpensExpire() {
        connections.reserve("r1", "10.0.0.9", "zoe", 5, 5, 0);
        assertThat(connections.expireReservations(10, 100)).isZero();
        assertThat(connections.expireReservations(1_000, 100)).isEqualTo(1);
        assertThat(connections.connectionsFromAddress("10.0.0.9")).isZero();
        assertThat(connections.connectionsOfUser("zoe")).isZero();

        // a late session after its reservation expired still counts itself exactly once
        Connection late = TestConnections.connection("late", new Identity("zoe", true, "10.0.0.9", null, null, null, "r1"),
                ConnectionKind.JSON, new ArrayList<>());
        connections.add(late);
        assertThat(connections.connectionsFromAddress("10.0.0.9")).isEqualTo(1);
        connections.remove(late);
        assertThat(connections.connectionsFromAddress("10.0.0.9")).isZero();
    }

    @Test
    void aDrainedRegistryHandsOutEveryConnectionOnceAndAcceptsNoMore() {
        Connection a = TestConnections.connection("a", "alice");
        connections.add(a);
        assertThat(connections.accepting()).isTrue();

        assertThat(connections.drain()).containsExactly(a);
        assertThat(connections.accepting()).isFalse();

        assertThat(connections.reserve("r1", "10.0.0.9", "zoe", 5, 5, 0)).isTrue();
        Connection late = TestConnections.connection("z", new Identity("zoe", true, "10.0.0.9", null, null, null, "r1"),
                ConnectionKind.JSON, new ArrayList<>());
        assertThat(connections.add(late)).as("a session that opens during shutdown").isFalse();
        assertThat(connections.all()).containsExactly(a);
        assertThat(connections.connectionsOfUser("zoe")).as("its reservation is given back").isZero();
        assertThat(connections.connectionsFromAddress("10.0.0.9")).isZero();
    }
}
