package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bus on real Hazelcast members: only events sealed with the cluster's secret are applied; anything
 * else published on its topic (by a member with another secret, or by anything that joined the grid)
 * is dropped and counted (PROTOCOL 13.10).
 */
class HazelcastBusTest {

    private static final String SECRET = "a cluster secret of at least 32 bytes, for tests";

    private final TestGrid grid = new TestGrid();
    private final List<ClusterBus> buses = new ArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();

    /** What one bus's listener received, and what its bus rejected. */
    private static final class Receiving implements BusListener {
        final List<BusEvent> events = new CopyOnWriteArrayList<>();
        final AtomicInteger rejected = new AtomicInteger();

        @Override
        public void received(Origin origin, BusEvent event) {
            events.add(event);
        }

        @Override
        public void memberLost(String member) {
        }

        @Override
        public BusEvent.Snapshot snapshot() {
            return new BusEvent.Snapshot(0, List.of(), List.of());
        }
    }

    @AfterEach
    void stop() {
        buses.forEach(ClusterBus::stop);
        grid.close();
        executor.shutdownNow();
    }

    private ClusterBus bus(HazelcastInstance member, String secret, Receiving receiving) {
        ClusterBus bus = HazelcastBus.create(member, new BusSetup("instance-" + buses.size(), executor,
                ClusterSeal.of(secret), 2, () -> { }, receiving.rejected::incrementAndGet));
        bus.start(receiving);
        buses.add(bus);
        return bus;
    }

    @Test
    void eventsSealedWithTheSecretAreAppliedAndAnythingElseIsDroppedAndCounted() {
        List<HazelcastInstance> hz = grid.cluster(3, 0);
        Receiving ours = new Receiving();
        Receiving peer = new Receiving();
        Receiving stranger = new Receiving();
        bus(hz.get(0), SECRET, ours);
        ClusterBus peerBus = bus(hz.get(1), SECRET, peer);
        ClusterBus strangerBus = bus(hz.get(2), "another cluster's secret, 32 bytes+", stranger);

        peerBus.publish(new BusEvent.Figures(7));
        strangerBus.publish(new BusEvent.Figures(666));
        // and raw bytes from anything on the grid: unsealed, and empty
        hz.get(2).<byte[]>getTopic(HazelcastBus.TOPIC).publish(new byte[] {2, 0, 0, 0, 0});
        hz.get(2).<byte[]>getTopic(HazelcastBus.TOPIC).publish(new byte[0]);
        peerBus.publish(new BusEvent.Figures(8)); // a fence: the peer's events come in order

        await().atMost(Duration.ofSeconds(30)).until(() -> ours.events.contains(new BusEvent.Figures(8)));
        assertThat(ours.events).filteredOn(e -> e instanceof BusEvent.Figures)
                .containsExactly(new BusEvent.Figures(7), new BusEvent.Figures(8));
        await().atMost(Duration.ofSeconds(30)).until(() -> ours.rejected.get() >= 3);
        // the stranger rejects ours alike, and applies none of them
        await().atMost(Duration.ofSeconds(30)).until(() -> stranger.rejected.get() >= 2);
        assertThat(stranger.events).noneMatch(e -> e instanceof BusEvent.Figures);
    }

    @Test
    void aPingIsAnsweredOnlyByInstancesOfTheSameSecret() {
        List<HazelcastInstance> hz = grid.cluster(2, 0);
        Receiving ours = new Receiving();
        Receiving stranger = new Receiving();
        ClusterBus asking = bus(hz.get(0), SECRET, ours);
        bus(hz.get(1), "another cluster's secret, 32 bytes+", stranger);

        // two members in view, a quorum of two: only an answer of the other member would do
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> asking.fence().vouch("read", () -> "x"))
                .isInstanceOf(io.roomcast.stream.StreamUnavailableException.class);
        assertThat(stranger.rejected).hasPositiveValue();

        bus(hz.get(1), SECRET, new Receiving());
        assertThat(asking.fence().vouch("read", () -> "x")).isEqualTo("x");
        assertThat(ours.events).as("pings and answers never reach the listener")
                .noneMatch(e -> e instanceof BusEvent.Ping || e instanceof BusEvent.Pong);
    }
}
