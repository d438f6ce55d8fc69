package io.roomcast.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import org.junit.jupiter.api.Test;

class ConnectionRegistryTest {

    private final ConnectionRegistry registry = new ConnectionRegistry();

    @Test
    void addingAndRemovingKeepsCountsPerAddressAndPerUser() {
        Connection a = TestConnections.connection("a", "alice");
        Connection b = TestConnections.connection("b", "alice");
        Connection guest = TestConnections.connection("g", TestConnections.guest("guest-1", "10.0.0.1"),
                ConnectionKind.CHAT, new ArrayList<>());
        registry.add(a);
        registry.add(b);
        registry.add(guest);

        assertThat(registry.size()).isEqualTo(3);
        assertThat(registry.connectionsFromAddress("10.0.0.1")).isEqualTo(3);
        assertThat(registry.connectionsOfUser("alice")).isEqualTo(2);
        assertThat(registry.connectionsOfUser("guest-1")).isZero(); // guests are counted by address only

        assertThat(registry.remove(a)).isTrue();
        assertThat(registry.connectionsOfUser("alice")).isEqualTo(1);
        assertThat(registry.connectionsFromAddress("10.0.0.1")).isEqualTo(2);
    }

    @Test
    void removalIsIdempotentSoEveryEndingPathMayCallIt() {
        Connection a = TestConnections.connection("a", "alice");
        registry.add(a);
        assertThat(registry.remove(a)).isTrue();
        assertThat(registry.remove(a)).isFalse();
        assertThat(registry.size()).isZero();
        assertThat(registry.connectionsFromAddress("10.0.0.1")).isZero();
        assertThat(registry.connectionsOfUser("alice")).isZero();
    }

    @Test
    void clientIdsIndexSecureConnectionsForDirectMessages() {
        Connection first = TestConnections.connection("s1", TestConnections.secure("bob", 42), ConnectionKind.JSON, new ArrayList<>());
        Connection second = TestConnections.connection("s2", TestConnections.secure("bob", 42), ConnectionKind.JSON, new ArrayList<>());
        registry.add(first);
        registry.add(second);
        assertThat(registry.byClientId(42)).containsExactlyInAnyOrder(first, second);
        assertThat(registry.byClientId(43)).isEmpty();
        registry.remove(first);
        registry.remove(second);
        assertThat(registry.byClientId(42)).isEmpty();
    }

    @Test
    void anIdCannotBeRegisteredTwice() {
        registry.add(TestConnections.connection("a", "alice"));
        assertThatThrownBy(() -> registry.add(TestConnections.connection("a", "bob")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void reservationsHoldSlotsUntilTheSessionClaimsThem() {
        assertThat(registry.reserve("r1", "10.0.0.9", "zoe", 2, 1, 0)).isTrue();
        assertThat(registry.reserve("r2", "10.0.0.9", "zoe", 2, 1, 0)).as("user at its limit").isFalse();
        assertThat(registry.reserve("r3", "10.0.0.9", null, 2, 1, 0)).isTrue();
        assertThat(registry.reserve("r4", "10.0.0.9", null, 2, 1, 0)).as("address at its limit").isFalse();
        assertThat(registry.connectionsFromAddress("10.0.0.9")).isEqualTo(2);

        Connection zoe = TestConnections.connection("z", new Identity("zoe", true, "10.0.0.9", null, null, null, "r1"),
                ConnectionKind.JSON, new ArrayList<>());
        registry.add(zoe);
        assertThat(registry.connectionsFromAddress("10.0.0.9")).as("claimed, not counted twice").isEqualTo(2);
        assertThat(registry.connectionsOfUser("zoe")).isEqualTo(1);
        registry.remove(zoe);
        assertThat(registry.connectionsOfUser("zoe")).isZero();
        assertThat(registry.connectionsFromAddress("10.0.0.9")).isEqualTo(1);
    }

    @Test
    void reservationsWhoseSessionNeverOpensExpire() {
        registry.reserve("r1", "10.0.0.9", "zoe", 5, 5, 0);
        assertThat(registry.expireReservations(10, 100)).isZero();
        assertThat(registry.expireReservations(1_000, 100)).isEqualTo(1);
        assertThat(registry.connectionsFromAddress("10.0.0.9")).isZero();
        assertThat(registry.connectionsOfUser("zoe")).isZero();

        // a late session after its reservation expired still counts itself exactly once
        Connection late = TestConnections.connection("late", new Identity("zoe", true, "10.0.0.9", null, null, null, "r1"),
                ConnectionKind.JSON, new ArrayList<>());
        registry.add(late);
        assertThat(registry.connectionsFromAddress("10.0.0.9")).isEqualTo(1);
        registry.remove(late);
        assertThat(registry.connectionsFromAddress("10.0.0.9")).isZero();
    }

    @Test
    void aDrainedRegistryHandsOutEveryConnectionOnceAndAcceptsNoMore() {
        Connection a = TestConnections.connection("a", "alice");
        registry.add(a);
        assertThat(registry.accepting()).isTrue();

        assertThat(registry.drain()).containsExactly(a);
        assertThat(registry.accepting()).isFalse();

        assertThat(registry.reserve("r1", "10.0.0.9", "zoe", 5, 5, 0)).isTrue();
        Connection late = TestConnections.connection("z", new Identity("zoe", true, "10.0.0.9", null, null, null, "r1"),
                ConnectionKind.JSON, new ArrayList<>());
        assertThat(registry.add(late)).as("a session that opens during shutdown").isFalse();
        assertThat(registry.all()).containsExactly(a);
        assertThat(registry.connectionsOfUser("zoe")).as("its reservation is given back").isZero();
        assertThat(registry.connectionsFromAddress("10.0.0.9")).isZero();
    }
}
