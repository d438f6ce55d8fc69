package io.roomcast.cluster;

import io.roomcast.connection.Ids;
import io.roomcast.observability.RoomcastMetrics;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.Executor;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * Chooses the bus at run time: the Hazelcast bus when Payara's Hazelcast instance is bound at
 * {@link HazelcastBus#JNDI_NAME} and configured to join other members, the {@link LocalBus} otherwise (a
 * single server, Payara Micro with {@code --nocluster}, WildFly).
 *
 * <p>This class names no Hazelcast type: the Hazelcast bus is loaded by name, and only once the lookup
 * found an instance, so that Weld on a server without Hazelcast never meets a type it cannot load. The
 * JNDI name is the adapter's constant, inlined here by the compiler (no class reference);
 * {@code ClusterBusProducerTest} pins the class name to the adapter's.
 */
@ApplicationScoped
public class ClusterBusProducer {

    static final String HAZELCAST_BUS = "io.roomcast.cluster.HazelcastBus";
    private static final Logger LOG = System.getLogger(ClusterBusProducer.class.getName());

    final Ids ids;
    private final RoomcastMetrics metrics;
    @Resource
    ManagedExecutorService executor;

    @Inject
    public ClusterBusProducer(Ids ids, RoomcastMetrics metrics) {
        this.ids = ids;
        this.metrics = metrics;
    }

    /** For the CDI client proxy only. */
    protected ClusterBusProducer() {
        this(null, null);
    }

    @Produces
    @ApplicationScoped
    ClusterBus bus() {
        Object hazelcast = lookupHazelcast();
        if (hazelcast != null) {
            try {
                Object bus = Class.forName(HAZELCAST_BUS, true, ClusterBusProducer.class.getClassLoader())
                        .getMethod("create", Object.class, String.class, Executor.class, Runnable.class)
                        .invoke(null, hazelcast, ids.instance(), executor, (Runnable) metrics::clusterEventDropped);
                if (bus != null) {
                    return (ClusterBus) bus;
                }
                LOG.log(Level.INFO, "Hazelcast present but not joining other members: single-instance mode");
            } catch (ReflectiveOperationException | LinkageError e) {
                LOG.log(Level.WARNING, "Hazelcast found but the cluster bus could not start; single-instance mode: {0}",
                        e.toString());
            }
        } else {
            LOG.log(Level.INFO, "no Hazelcast at {0}: single-instance mode", HazelcastBus.JNDI_NAME);
        }
        return new LocalBus(ids.instance());
    }

    void close(@Disposes ClusterBus bus) {
        bus.stop();
    }

    /** Payara's Hazelcast instance, or null where there is none. */
    static Object lookupHazelcast() {
        try {
            return new InitialContext().lookup(HazelcastBus.JNDI_NAME);
        } catch (NamingException | RuntimeException e) {
            return null; // not bound: no Payara, or Hazelcast disabled
        }
    }
}
