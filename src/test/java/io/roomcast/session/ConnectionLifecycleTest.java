package io.roomcast.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.CloseReasons;
import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.Identity;
import io.roomcast.connection.TestConnections;
import io.roomcast.connection.TokenBucket;
import io.roomcast.connection.UserRates;
import io.roomcast.observability.RoomcastMetrics;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How sessions that never became connections end, and how frames are admitted. */
class ConnectionLifecycleTest {

    private final List<CloseReason> closes = new ArrayList<>();
    private final Map<String, Object> userProperties = new HashMap<>();

    private final Session session = (Session) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Session.class}, (proxy, method, args) -> switch (method.getName()) {
                case "getUserProperties" -> userProperties;
                case "getId" -> "s1";
                case "close" -> {
                    closes.add((CloseReason) args[0]);
                    yield null;
                }
                default -> throw new UnsupportedOperationException(method.getName());
            });

    @Test
    void aSessionThatFailsBeforeItIsRegisteredIsClosedWith1011() {
        ConnectionLifecycle lifecycle = new ConnectionLifecycle(null, null, null, null, null, null, null, null, null, null);

        lifecycle.failed(session, new IllegalStateException("open threw"));

        assertThat(closes).containsExactly(CloseReasons.SERVER_ERROR);
    }

    /** A lifecycle that only admits frames: a user bucket of 3 that does not refill during a test. */
    private static ConnectionLifecycle admitting() {
        Map<String, String> values = Map.of("roomcast.limits.user-rate", "0.001", "roomcast.limits.user-burst", "3");
        RoomcastSettings settings = RoomcastSettings.from(k -> Optional.ofNullable(values.get(k)));
        return new ConnectionLifecycle(settings, null, null, null, null, new RoomcastMetrics(), null, null,
                new UserRates(settings), null);
    }

    @Test
    void theConnectionsOfOneUserShareTheUserBucketAndANewOneGetsNoFreshBurst() {
        ConnectionLifecycle lifecycle = admitting();
        Connection first = TestConnections.connection("a", "alice");
        Connection second = TestConnections.connection("b", "alice");
        assertThat(lifecycle.admit(first)).isTrue();
        assertThat(lifecycle.admit(first)).isTrue();
        assertThat(lifecycle.admit(second)).isTrue();
        assertThat(lifecycle.admit(second)).isFalse();
        assertThat(lifecycle.admit(first)).isFalse();
        assertThat(lifecycle.admit(TestConnections.connection("c", "alice"))).as("a reconnect").isFalse();
        assertThat(lifecycle.admit(TestConnections.connection("d", "bob"))).as("another user").isTrue();
        assertThat(second.rate().consecutiveRefusedSeconds()).as("a drop like any other").isEqualTo(1);
    }

    @Test
    void guestsShareTheBucketOfTheirAddress() {
        ConnectionLifecycle lifecycle = admitting();
        List<Connection> guests = List.of(guest("g1", "192.0.2.7"), guest("g2", "192.0.2.7"), guest("g3", "192.0.2.7"));
        guests.forEach(g -> assertThat(lifecycle.admit(g)).isTrue());
        assertThat(lifecycle.admit(guest("g4", "192.0.2.7"))).isFalse();
        assertThat(lifecycle.admit(guest("g5", "192.0.2.8"))).as("another address").isTrue();
    }

    @Test
    void aFrameTheConnectionsOwnBucketRefusesTakesNothingFromTheUserBucket() {
        ConnectionLifecycle lifecycle = admitting();
        Identity alice = new Identity("alice", true, "10.0.0.1", null, null, null);
        // its own bucket: one frame, then nothing for a thousand seconds
        Connection flooder = TestConnections.connection("a", alice, new TokenBucket(0.001, 1, System.nanoTime()));
        assertThat(lifecycle.admit(flooder)).isTrue();
        for (int i = 0; i < 10; i++) {
            assertThat(lifecycle.admit(flooder)).isFalse();
        }
        Connection sibling = TestConnections.connection("b", "alice");
        for (int i = 0; i < 2; i++) {
            assertThat(lifecycle.admit(sibling)).as("frame %d", i).isTrue();
        }
        assertThat(lifecycle.admit(sibling)).as("the user's burst of 3 is spent").isFalse();
    }

    private static Connection guest(String id, String address) {
        return TestConnections.connection(id, TestConnections.guest("guest-" + id, address), ConnectionKind.JSON,
                new ArrayList<>());
    }
}
