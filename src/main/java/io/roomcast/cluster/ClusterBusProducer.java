package io.roomcast.cluster;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.config.StoreSettings;
import io.roomcast.connection.Ids;
import io.roomcast.durable.Database;
import io.roomcast.observability.RoomcastMetrics;
import io.roomcast.scheduling.ApplicationScheduler;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * Chooses the bus at run time, and with it whether this instance shares rooms at all (PROTOCOL 13.10):
 * with {@code roomcast.store=postgres} always the {@link PostgresBus} (every instance on the database is
 * one service, whatever {@code roomcast.cluster.secret} says: PROTOCOL 14); otherwise the Hazelcast bus only when {@code roomcast.cluster.secret} is set and Payara's Hazelcast instance is
 * bound at {@link HazelcastBus#JNDI_NAME} and configured to join other members; the {@link LocalBus}
 * otherwise (no secret, a single server, Payara Micro with {@code --nocluster}, WildFly). Everything
 * that behaves differently in a cluster (the streams' store, replication, remote members, the status
 * figures) follows the bus, so without the secret the instance is a single server even when its server
 * formed a cluster, and says so once, here.
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
    private final RoomcastSettings settings;
    private final StoreSettings store;
    private final ApplicationScheduler scheduler;
    private Database database;
    @Resource
    ManagedExecutorService executor;

    @Inject
    public ClusterBusProducer(Ids ids, RoomcastMetrics metrics, RoomcastSettings settings, StoreSettings store,
                              ApplicationScheduler scheduler) {
        this.ids = ids;
        this.metrics = metrics;
        this.settings = settings;
        this.store = store;
        this.scheduler = scheduler;
    }

    /** For the CDI client proxy only. */
    protected ClusterBusProducer() {
        this(null, null, null, null, null);
    }

    @Produces
    @ApplicationScoped
    ClusterBus bus() {
        if (store.durable()) {
            LOG.log(Level.INFO, "roomcast.store=postgres: the instances on this database share every room, whatever "
                    + "their runtime, through the database alone{0}", settings.clusteringEnabled()
                    ? " (roomcast.cluster.secret and Hazelcast are not used for it)" : "");
            database = Database.open(store, "roomcast-bus", PostgresBus.POOL_SIZE);
            // PostgresBus is not a bean: its lanes come from here (bus-listen, bus-send, bus-lease).
            return new PostgresBus(database, ids.instance(), store.lease(), scheduler::lane,
                    metrics::clusterEventDropped, metrics::clusterMessageRejected);
        }
        if (!settings.clusteringEnabled()) {
            LOG.log(Level.INFO, "clustering off: roomcast.cluster.secret is not set, so this instance shares no "
                    + "rooms with other instances, even if its server joined a cluster (single-instance mode)");
            return new LocalBus(ids.instance());
        }
        Object hazelcast = lookupHazelcast();
        if (hazelcast != null) {
            try {
                BusSetup setup = new BusSetup(ids.instance(), executor, ClusterSeal.of(settings.clusterSecret().get()),
                        settings.clusterQuorum(), metrics::clusterEventDropped, metrics::clusterMessageRejected);
                Object bus = Class.forName(HAZELCAST_BUS, true, ClusterBusProducer.class.getClassLoader())
                        .getMethod("create", Object.class, BusSetup.class)
                        .invoke(null, hazelcast, setup);
                if (bus != null) {
                    LOG.log(Level.INFO, "clustering on: rooms shared with the instances holding the same "
                            + "roomcast.cluster.secret; publishes need {0} of roomcast.cluster.size={1} instances",
                            settings.clusterQuorum(), settings.clusterSize());
                    return (ClusterBus) bus;
                }
                LOG.log(Level.INFO, "Hazelcast present but not joining other members: single-instance mode");
            } catch (ReflectiveOperationException | LinkageError e) {
                LOG.log(Level.WARNING, "Hazelcast found but the cluster bus could not start; single-instance mode: {0}",
                        e.toString());
            }
        } else {
            LOG.log(Level.INFO, "roomcast.cluster.secret is set but there is no Hazelcast at {0}: single-instance "
                    + "mode", HazelcastBus.JNDI_NAME);
        }
        return new LocalBus(ids.instance());
    }

    void close(@Disposes ClusterBus bus) {
        bus.stop(); // the database bus cancels its tasks; the lanes are the scheduler's
        if (database != null) {
            database.close();
        }
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
