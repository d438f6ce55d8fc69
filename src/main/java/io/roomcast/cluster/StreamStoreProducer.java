package io.roomcast.cluster;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.config.StoreSettings;
import io.roomcast.durable.Database;
import io.roomcast.durable.DurableStore;
import io.roomcast.durable.PostgresStreams;
import io.roomcast.observability.RoomcastMetrics;
import io.roomcast.room.RoomRegistry;
import io.roomcast.scheduling.ApplicationScheduler;
import io.roomcast.stream.MemoryStreams;
import io.roomcast.stream.StreamStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Chooses where rooms' streams live: held by the cluster's Hazelcast whenever the Hazelcast bus is in
 * use ({@link HazelcastStreams}, loaded by name like the bus, so that no Hazelcast type is met where
 * there is none), else in this instance's memory ({@link MemoryStreams}). Either is swept once a second
 * in the scheduler's lane {@code stream-expiry} (no managed executor: the sweep needs no container
 * context): expiry in memory, keeping the streams of rooms with members alive in the cluster. The
 * cluster's store destroys the rings of epochs gone in a lane of its own, {@code stream-cleanup}.
 */
@ApplicationScoped
public class StreamStoreProducer {

    private static final Logger LOG = System.getLogger(StreamStoreProducer.class.getName());

    static final String HAZELCAST_STREAMS = "io.roomcast.cluster.HazelcastStreams";

    private final RoomcastSettings settings;
    private final RoomRegistry registry;
    private final ClusterBus bus;
    private final RoomcastMetrics metrics;
    private final ApplicationScheduler scheduler;
    private final StoreSettings durable;
    private final DurableStore durableStore;
    private Future<?> sweeping;
    private Database database;

    @Inject
    public StreamStoreProducer(RoomcastSettings settings, StoreSettings durable, DurableStore durableStore,
                               RoomRegistry registry, ClusterBus bus, RoomcastMetrics metrics,
                               ApplicationScheduler scheduler) {
        this.settings = settings;
        this.durable = durable;
        this.durableStore = durableStore;
        this.registry = registry;
        this.bus = bus;
        this.metrics = metrics;
        this.scheduler = scheduler;
    }

    /** For the CDI client proxy only. */
    protected StreamStoreProducer() {
        this(null, null, null, null, null, null, null);
    }

    @Produces
    @ApplicationScoped
    StreamStore streams() {
        StreamStore store = durable.durable() ? postgres() : bus.local() ? null : clustered();
        if (store == null) {
            store = memory();
        }
        sweep(store);
        return store;
    }

    /**
     * The cluster's store, or null when it could not start: then each instance keeps its own streams,
     * and a warning says that offsets are per instance (a cluster without a shared stream).
     */
    private StreamStore clustered() {
        Object hazelcast = ClusterBusProducer.lookupHazelcast();
        try {
            Supplier<Collection<Integer>> roomsWithMembers = () -> registry.sizes().keySet();
            Object store = Class.forName(HAZELCAST_STREAMS, true, StreamStoreProducer.class.getClassLoader())
                    .getMethod("create", Object.class, ClusterSeal.class, MajorityFence.class, int.class, long.class,
                            long.class, Supplier.class, Runnable.class, ScheduledExecutorService.class)
                    .invoke(null, hazelcast, ClusterSeal.of(settings.clusterSecret().orElseThrow()), bus.fence(),
                            settings.historySize(), settings.historyTtl().toSeconds(), settings.historyMaxBytes(),
                            roomsWithMembers, (Runnable) metrics::clusterMessageRejected,
                            scheduler.lane("stream-cleanup"));
            if (store != null) {
                LOG.log(Level.INFO, "room streams held by the cluster''s Hazelcast: {0} messages per room for {1} s, "
                                + "one synchronous backup, {2} of {3} instances needed to publish or read{4}",
                        settings.historySize(), settings.historyTtl().toSeconds(), settings.clusterQuorum(),
                        settings.clusterSize(),
                        settings.historySize() > 0 ? "" : " (off: roomcast.history.size=0; idempotency keys only)");
                return (StreamStore) store;
            }
            LOG.log(Level.WARNING, "the cluster bus runs on Hazelcast but the cluster''s room streams could not "
                    + "start (no Hazelcast instance: {0}); each instance keeps its own (offsets then differ between "
                    + "instances)", hazelcast);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.log(Level.WARNING, "the cluster bus runs on Hazelcast but the cluster's room streams could not start; "
                    + "each instance keeps its own (offsets then differ between instances): {0}", e.toString());
        }
        return null;
    }

    private void sweep(StreamStore store) {
        sweeping = scheduler.lane("stream-expiry").scheduleWithFixedDelay(() -> {
            try {
                store.sweep();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "room stream upkeep failed: {0}", e.toString()); // and runs again next second
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    /** PostgreSQL (PROTOCOL 14): every instance on the database shares the rooms' streams, whatever its runtime. */
    private StreamStore postgres() {
        database = Database.open(durable);
        PostgresStreams store = PostgresStreams.start(database, new PostgresStreams.Options(bus.self().instance(),
                        bus::clustered, settings.historySize(), settings.historyTtl().toSeconds(),
                        settings.historyMaxBytes(), durable.batchWait()),
                new PostgresStreams.Lanes(scheduler.lane("store-writer"), answerLanes(),
                        scheduler.lane("store-watchdog")));
        LOG.log(Level.INFO, "room streams in PostgreSQL ({0}): {1} messages per room for {2} s, {3} bytes in all{4}",
                durable.datasource().orElse("roomcast.store.url"), settings.historySize(),
                settings.historyTtl().toSeconds(), settings.historyMaxBytes(),
                store.available() ? "" : "; the database does not answer yet: publishes are refused until it does");
        durableStore.started(store);
        return store;
    }

    /**
     * The lanes that answer committed publishes, {@code store-answers-<n>}, one per core (two at least): a
     * room's answers all go to one of them, and the rooms' deliveries run side by side as they do on the
     * memory store, where each publisher's own thread delivers.
     */
    private List<ScheduledExecutorService> answerLanes() {
        int lanes = Math.max(2, Runtime.getRuntime().availableProcessors());
        return IntStream.range(0, lanes).mapToObj(n -> scheduler.lane("store-answers-" + n)).toList();
    }

    private StreamStore memory() {
        MemoryStreams memory = new MemoryStreams(settings.historySize(), settings.historyTtl().toNanos(),
                settings.historyMaxBytes(), room -> registry.memberCount(room) > 0, System::nanoTime);
        LOG.log(Level.INFO, "room streams in memory: {0} messages per room for {1} s, {2} bytes in all{3}",
                settings.historySize(), settings.historyTtl().toSeconds(), settings.historyMaxBytes(),
                memory.enabled() ? "" : " (off: roomcast.history.size=0)");
        return memory;
    }

    void close(@Disposes StreamStore store) {
        if (sweeping != null) {
            sweeping.cancel(true);
        }
        if (store instanceof AutoCloseable closeable) { // the cluster's: its listeners on Payara's Hazelcast
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "closing the room streams: {0}", e.toString());
            }
        }
        if (database != null) {
            database.close();
        }
    }
}
