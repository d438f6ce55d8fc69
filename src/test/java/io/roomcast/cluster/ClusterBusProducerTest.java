package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.connection.Ids;
import org.junit.jupiter.api.Test;

/** Without Payara's Hazelcast in JNDI (as on WildFly, or here), the bus is the local one. */
class ClusterBusProducerTest {

    @Test
    void withoutHazelcastTheBusIsLocalAndSilent() {
        ClusterBusProducer producer = new ClusterBusProducer(new Ids(), null);
        ClusterBus bus = producer.bus();
        assertThat(bus).isInstanceOf(LocalBus.class);
        assertThat(bus.clustered()).isFalse();
        assertThat(bus.uniqueNumber()).isZero();
        assertThat(bus.self().instance()).isEqualTo(producer.ids.instance());
        bus.publish(new BusEvent.Goodbye()); // goes nowhere, fails nowhere
    }

    @Test
    void somethingElseAtTheHazelcastNameIsNoCluster() {
        assertThat(HazelcastBus.create("not a Hazelcast instance", "i", Runnable::run, () -> { })).isNull();
    }

    @Test
    void theAdapterLoadedByNameIsTheHazelcastBus() {
        // A renamed or moved adapter would otherwise drop every cluster to single-instance mode silently.
        assertThat(ClusterBusProducer.HAZELCAST_BUS).isEqualTo(HazelcastBus.class.getName());
    }
}
