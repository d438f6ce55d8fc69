package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.config.StoreSettings;
import io.roomcast.connection.Ids;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Without Payara's Hazelcast in JNDI (as on WildFly, or here), the bus is the local one. */
class ClusterBusProducerTest {

    private static final StoreSettings MEMORY = StoreSettings.from(key -> Optional.empty());

    private static RoomcastSettings settings(Map<String, String> values) {
        return RoomcastSettings.from(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void withoutTheClusterSecretTheBusIsLocalWhateverTheServerAndSaysSoOnce() {
        List<String> said = new CopyOnWriteArrayList<>();
        Logger log = Logger.getLogger(ClusterBusProducer.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                said.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(capture);
        try {
            ClusterBus bus = new ClusterBusProducer(new Ids(), null, settings(Map.of()), MEMORY, null).bus();
            assertThat(bus).isInstanceOf(LocalBus.class);
            assertThat(bus.clustered()).isFalse();
            assertThat(bus.local()).isTrue();
        } finally {
            log.removeHandler(capture);
        }
        assertThat(said).filteredOn(m -> m.contains("roomcast.cluster.secret is not set")).hasSize(1);
    }

    @Test
    void withoutHazelcastTheBusIsLocalAndSilent() {
        ClusterBusProducer producer = new ClusterBusProducer(new Ids(), null, settings(Map.of(
                "roomcast.cluster.secret", "x".repeat(32), "roomcast.cluster.size", "3")), MEMORY, null);
        ClusterBus bus = producer.bus();
        assertThat(bus).isInstanceOf(LocalBus.class);
        assertThat(bus.clustered()).isFalse();
        assertThat(bus.uniqueNumber()).isZero();
        assertThat(bus.self().instance()).isEqualTo(producer.ids.instance());
        bus.publish(new BusEvent.Goodbye()); // goes nowhere, fails nowhere
    }

    @Test
    void somethingElseAtTheHazelcastNameIsNoCluster() {
        assertThat(HazelcastBus.create("not a Hazelcast instance", new BusSetup("i", Runnable::run,
                ClusterSeal.of("x".repeat(32)), 2, () -> { }, () -> { }))).isNull();
    }

    @Test
    void theAdapterLoadedByNameIsTheHazelcastBus() {
        // A renamed or moved adapter would otherwise drop every cluster to single-instance mode silently.
        assertThat(ClusterBusProducer.HAZELCAST_BUS).isEqualTo(HazelcastBus.class.getName());
    }
}
