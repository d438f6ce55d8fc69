package io.roomcast.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.ringbuffer.StaleSequenceException;
import io.roomcast.room.event.RoomEvent;
import io.roomcast.stream.Appended;
import io.roomcast.stream.Epochs;
import io.roomcast.stream.Placement;
import io.roomcast.stream.Slice;
import io.roomcast.stream.StreamStore;
import io.roomcast.stream.StreamUnavailableException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Rooms' streams held by the Payara cluster's Hazelcast (docs/CLUSTER.md, "Room streams"): a room's
 * epoch in an IMap under the room's key ({@code roomcast.stream.<room>}), and the messages of that
 * epoch in a Ringbuffer of its own, {@code roomcast.stream.<room>.<epoch>@roomcast.stream.<room>}
 * (capacity {@code roomcast.history.size}, time-to-live {@code roomcast.history.ttl}, one synchronous
 * backup). The part after {@code @} is Hazelcast's partition key: the ring lives in the partition of
 * the epoch's entry, so the owner and the backup of that partition hold both, both survive the loss of
 * one member, and both are lost together when every copy is. A message's offset is its sequence + 1.
 *
 * <p>The epoch vouches for the ring. A message's (epoch, offset) is used only when the epoch read
 * after the ring operation is the one the operation used: epochs are random and never put twice, so an
 * unchanged entry proves that the stream was neither lost nor expired in between. A ring whose epoch
 * is no longer the room's is destroyed by whoever notices (it can never be used again), and the
 * operation is done again under the room's current epoch, in that epoch's own ring: offsets restart at
 * 1 under a new epoch, never reused within one.
 *
 * <p>Reads create nothing (PROTOCOL 13.3): a room without an epoch entry reads as no stream, and no ring
 * is touched. Only an append or {@link #open} (a successful join) puts an epoch. An epoch entry lives
 * {@code 2 × ttl + 60 s} from its last refresh: appends refresh it (each instance at most once per
 * {@code ttl}), and so does every instance, every {@code ttl}, for the rooms with members there. When
 * it expires (no message kept and no member anywhere for that long), the member that owned it destroys
 * its ring, and once more a little later: a member that created a proxy of the ring at the same time
 * (a read racing the expiry) can announce it to the others after the destroy, which would leave an
 * empty proxy behind on them; the second destroy, with nobody else acting, removes it.
 *
 * <p>Idempotency keys live in an IMap with the history TTL, bounded per partition and evicted least
 * recently used first; an entry is the first publish's {@link Placement}, never its text (PROTOCOL
 * 13.2). {@code putIfAbsent} of a marker unique to the claim decides which publish is the first,
 * cluster-wide; a repeat waits for the first to finish.
 *
 * <p>Clustering is explicit and authenticated (PROTOCOL 13.10). Every structure is named in the
 * cluster's namespace (derived from its secret: instances of different secrets on one grid never share
 * a stream), every message and key entry kept is sealed for its room or key ({@link ClusterSeal}; one
 * that does not open is counted and never handed out), and every operation goes through the
 * {@link MajorityFence}: refused before it starts when this instance sees fewer than the quorum's
 * members, and its outcome withheld unless a majority still counts this instance as a member once it
 * completed. A key entry is written only after that confirmation, so a key never points at a message that
 * a merge may discard.
 *
 * <p>Like {@link HazelcastBus}, this class names Hazelcast types and is loaded by name only, by
 * {@link StreamStoreProducer}, once Payara's Hazelcast was found. Nothing but {@code byte[]} and
 * {@code String} is stored, so no member has to load a class of the WAR.
 */
public final class HazelcastStreams implements StreamStore, AutoCloseable {

    /** The names of one cluster's structures, in its namespace (see the class). */
    record Names(String rings, String epochs, String keys) {
        static Names in(String namespace) {
            String prefix = "roomcast." + namespace + ".";
            return new Names(prefix + "stream.", prefix + "stream-epochs", prefix + "stream-keys");
        }

        /** The epoch entry's key of a room, which is also the partition key of its rings. */
        String key(int room) {
            return rings + room;
        }
    }

    /** Synchronous backups of every structure here: an ack means the owner and one backup hold it. */
    static final int BACKUPS = 1;
    /** What one idempotency key costs the cluster, its backup included: the bound is max-bytes over this. */
    static final int KEY_COST = 512;
    /** An epoch entry outlives its last refresh by twice the history TTL and this. */
    static final long EPOCH_MARGIN_SECONDS = 60;
    /** Hazelcast's largest readMany batch. */
    private static final int BATCH = 1000;
    /** How long a repeat waits for the first publish with its key before taking the claim over. */
    private static final long CLAIM_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Attempts at an operation whose epoch changed under it (the stream expired, or every copy was lost). */
    private static final int ATTEMPTS = 3;
    /** Epochs remembered at most (rooms this instance touched lately). */
    private static final int KNOWN_MAX = 100_000;

    private static final Logger LOG = System.getLogger(HazelcastStreams.class.getName());

    /** An epoch this instance saw, and when it last refreshed the entry's life (see the class). */
    private record Known(String epoch, long refreshedAt) {
    }

    private final HazelcastInstance hazelcast;
    private final Names names;
    private final ClusterSeal seal;
    private final MajorityFence fence;
    private final Runnable rejected;
    private final int size;
    private final int ttlSeconds;
    private final long epochTtlSeconds;
    private final long refreshNanos;
    private final Supplier<? extends Collection<Integer>> roomsWithMembers;
    private final IMap<String, String> epochs;
    private final IMap<String, byte[]> keys;
    private final Epochs fresh = new Epochs();
    /** Room key to the epoch this instance last saw vouch for its ring; each use is checked (see the class). */
    private final Map<String, Known> known = new ConcurrentHashMap<>();
    /** When a ring is destroyed again (see the class): after the proxy announcements of a race have landed. */
    private static final long DESTROY_AGAIN_SECONDS = 2;

    /** Destroys rings of epochs gone, off Hazelcast's event threads and publishers' threads. */
    private final ScheduledExecutorService cleanup;
    private volatile boolean closed;
    private volatile long lastKeepAlive;
    private final UUID partitionLostRegistration;
    private final UUID lifecycleRegistration;
    private final UUID expiryRegistration;

    /**
     * @param epochTtlSeconds  how long an epoch entry lives after its last refresh: more than twice
     *                         {@code ttlSeconds} (see the class; tests choose it shorter than usual)
     * @param roomsWithMembers the rooms with members on this instance, whose streams it keeps alive
     * @param rejected         counts a kept message or key entry whose seal did not open
     * @param listen           false only in tests: a store that does not hear of lost partitions or
     *                         expired epochs (or hears late)
     * @param cleanup          where rings of epochs gone are destroyed, off Hazelcast's event threads and
     *                         publishers' threads: the scheduler's lane {@code stream-cleanup}, not this
     *                         store's to shut down
     */
    HazelcastStreams(HazelcastInstance hazelcast, ClusterSeal seal, MajorityFence fence, Runnable rejected, int size,
                     int ttlSeconds, long epochTtlSeconds, Supplier<? extends Collection<Integer>> roomsWithMembers,
                     boolean listen, ScheduledExecutorService cleanup) {
        this.hazelcast = hazelcast;
        this.names = Names.in(seal.namespace());
        this.seal = seal;
        this.fence = fence;
        this.rejected = rejected;
        this.size = size;
        this.ttlSeconds = ttlSeconds;
        this.epochTtlSeconds = epochTtlSeconds;
        this.refreshNanos = TimeUnit.SECONDS.toNanos(Math.max(1, ttlSeconds));
        this.roomsWithMembers = roomsWithMembers;
        this.lastKeepAlive = System.nanoTime();
        this.epochs = hazelcast.getMap(names.epochs());
        this.keys = hazelcast.getMap(names.keys());
        this.cleanup = cleanup;
        if (!listen) {
            this.partitionLostRegistration = null;
            this.lifecycleRegistration = null;
            this.expiryRegistration = null;
            return;
        }
        // Where every copy of a partition may be gone, or a merge may have replaced entries, what this
        // instance knows of epochs is stale: forget it all (both are rare).
        this.partitionLostRegistration = hazelcast.getPartitionService().addPartitionLostListener(event -> {
            // Reported for every partition whose owner was lost; the streams' data is gone only when their
            // backup was lost too (lost backup count 0 = the owner alone, whose backup took over).
            if (event.getLostBackupCount() >= BACKUPS) {
                LOG.log(Level.WARNING, "Hazelcast lost every copy of partition {0}: room streams kept there start "
                        + "anew with a new epoch", event.getPartitionId());
                known.clear();
            }
        });
        this.lifecycleRegistration = hazelcast.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                known.clear();
            }
        });
        // Local: the owner of the entry alone destroys its ring (a destroy reaches every member), so that
        // members do not create and destroy the same ring's proxies at once.
        this.expiryRegistration = epochs.addLocalEntryListener(
                (EntryExpiredListener<String, String>) event -> expired(event.getKey(), event.getOldValue()));
    }

    /**
     * The store over the given Hazelcast instance, sealing with the cluster's seal and fenced by the
     * bus's quorum fence, after adding its configuration to the running cluster (a wildcard Ringbuffer
     * configuration and the two maps'); null when it is not one.
     *
     * @param maxBytes         {@code roomcast.history.max-bytes}: the idempotency keys' bound is this over
     *                         {@link #KEY_COST}, spread over the partitions
     * @param roomsWithMembers the rooms with members on this instance
     * @param rejected         counts a kept message or key entry whose seal did not open
     * @param cleanup          the lane where rings of epochs gone are destroyed
     */
    public static StreamStore create(Object hazelcastInstance, ClusterSeal seal, MajorityFence fence, int size,
                                     long ttlSeconds, long maxBytes, Supplier<? extends Collection<Integer>> roomsWithMembers,
                                     Runnable rejected, ScheduledExecutorService cleanup) {
        if (!(hazelcastInstance instanceof HazelcastInstance hz)) {
            return null;
        }
        int ttl = (int) Math.min(Integer.MAX_VALUE, ttlSeconds);
        configure(hz.getConfig(), Names.in(seal.namespace()), size, ttl,
                keysPerPartition(maxBytes, hz.getPartitionService().getPartitions().size()));
        return new HazelcastStreams(hz, seal, fence, rejected, size, ttl, epochTtl(ttl), roomsWithMembers, true, cleanup);
    }

    /** An epoch entry's life after its last refresh: twice the history TTL and {@link #EPOCH_MARGIN_SECONDS}. */
    static long epochTtl(int ttlSeconds) {
        return Math.min(Integer.MAX_VALUE, 2L * ttlSeconds + EPOCH_MARGIN_SECONDS);
    }

    /** The keys each partition keeps at most: max-bytes over {@link #KEY_COST}, shared by the partitions, at least 1. */
    static int keysPerPartition(long maxBytes, int partitions) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxBytes / KEY_COST / Math.max(1, partitions)));
    }

    /**
     * Added at run time: Payara built the instance's configuration, and dynamic configuration spreads
     * to every member. A member that was configured first wins; a differing one is logged.
     */
    static void configure(Config config, Names names, int size, int ttlSeconds, int keysPerPartition) {
        if (size > 0) {
            add(() -> config.addRingBufferConfig(new RingbufferConfig(names.rings() + "*")
                    .setCapacity(size)
                    .setTimeToLiveSeconds(ttlSeconds)
                    .setBackupCount(BACKUPS)
                    .setAsyncBackupCount(0)
                    .setInMemoryFormat(InMemoryFormat.BINARY)), "ring " + names.rings() + "*");
        }
        add(() -> config.addMapConfig(new MapConfig(names.epochs()).setBackupCount(BACKUPS).setAsyncBackupCount(0)),
                names.epochs());
        add(() -> config.addMapConfig(new MapConfig(names.keys()).setBackupCount(BACKUPS).setAsyncBackupCount(0)
                .setTimeToLiveSeconds(ttlSeconds)
                .setEvictionConfig(new EvictionConfig()
                        .setEvictionPolicy(EvictionPolicy.LRU)
                        .setMaxSizePolicy(MaxSizePolicy.PER_PARTITION)
                        .setSize(keysPerPartition))), names.keys());
    }

    private static void add(Runnable adding, String what) {
        try {
            adding.run();
        } catch (InvalidConfigurationException e) {
            LOG.log(Level.WARNING, "room streams: the cluster already configures {0} differently (another instance "
                    + "with other roomcast.history settings?); the cluster''s configuration holds: {1}", what,
                    e.getMessage());
        }
    }

    @Override
    public boolean enabled() {
        return size > 0;
    }

    /**
     * Through the quorum fence (see the class): the message is placed, the fence confirms, and only then
     * is its key entry written and the placed message returned (to be delivered and acknowledged).
     */
    @Override
    public Appended append(RoomEvent.Message message, String dedupKey) {
        MajorityFence.Ticket ticket = fence.before("append to room " + message.room());
        byte[] claim = null;
        try {
            RoomEvent.Message placed;
            try {
                if (dedupKey != null) {
                    Object outcome = claim(dedupKey);
                    if (outcome instanceof Placement first) {
                        fence.after(ticket);
                        return Appended.repeat(message, first);
                    }
                    claim = (byte[]) outcome;
                }
                placed = enabled() ? place(message) : message;
            } catch (StreamUnavailableException e) {
                throw e;
            } catch (RuntimeException e) {
                throw fence.failed(ticket, e);
            }
            fence.after(ticket);
            if (claim != null) {
                keys.set(dedupKey, seal.seal(keyContext(dedupKey), StoredMessages.placement(Placement.of(placed))),
                        ttlSeconds, TimeUnit.SECONDS);
            }
            return new Appended(placed, false);
        } catch (RuntimeException | Error e) {
            if (claim != null) {
                release(dedupKey, claim);
            }
            throw e;
        }
    }

    @Override
    public Slice read(int room, long after, int limit, boolean newest) {
        if (!enabled()) {
            return Slice.disabled();
        }
        return fence.vouch("read of room " + room, () -> readVouched(room, after, limit, newest));
    }

    private Slice readVouched(int room, long after, int limit, boolean newest) {
        String key = names.key(room);
        for (int attempt = 1; ; attempt++) {
            String epoch = epoch(key, false);
            if (epoch == null) {
                return Slice.none();
            }
            Slice slice = read(key, hazelcast.getRingbuffer(ring(key, epoch)), epoch, after, limit, newest);
            if (vouched(key, epoch)) {
                return slice;
            }
            gone(key, epoch, "read", attempt);
        }
    }

    @Override
    public Slice head(int room) {
        return head(room, false);
    }

    @Override
    public Slice open(int room) {
        return head(room, true);
    }

    /**
     * Keeps alive, once per TTL, the epochs of the rooms with members on this instance: a stream with
     * members is never dropped (PROTOCOL 9), however long nobody publishes.
     */
    @Override
    public void sweep() {
        long now = System.nanoTime();
        if (!enabled() || now - lastKeepAlive < refreshNanos) {
            return;
        }
        lastKeepAlive = now;
        for (Integer room : roomsWithMembers.get()) {
            String key = names.key(room);
            try {
                if (epochs.setTtl(key, epochTtlSeconds, TimeUnit.SECONDS)) {
                    known.computeIfPresent(key, (k, v) -> new Known(v.epoch(), now));
                }
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "room {0}: keeping its stream alive failed: {1}", room, e.toString());
            }
        }
    }

    /** Epoch entries this instance's member owns: summed over the instances, the cluster's room streams. */
    @Override
    public long streams() {
        return enabled() ? epochs.getLocalMapStats().getOwnedEntryCount() : 0;
    }

    /** The ring of one epoch of a room, in the partition of the room's key. */
    static String ring(String key, String epoch) {
        return key + "." + epoch + "@" + key;
    }

    /** The head: the epoch, the latest and the oldest kept offsets; with {@code create}, the stream starts now if none. */
    private Slice head(int room, boolean create) {
        if (!enabled()) {
            return Slice.disabled();
        }
        return fence.vouch((create ? "open of room " : "head of room ") + room, () -> headVouched(room, create));
    }

    private Slice headVouched(int room, boolean create) {
        String key = names.key(room);
        for (int attempt = 1; ; attempt++) {
            String epoch = epoch(key, create);
            if (epoch == null) {
                return Slice.none();
            }
            if (create && !refresh(key, epoch)) { // a joiner's stream lives at least until the next keep-alive
                gone(key, epoch, "open", attempt);
                continue;
            }
            Ringbuffer<byte[]> ring = hazelcast.getRingbuffer(ring(key, epoch));
            long tail = ring.tailSequence();
            long head = ring.headSequence();
            if (vouched(key, epoch)) {
                return new Slice(epoch, tail + 1, Math.min(head, tail + 1) + 1, List.of(), false);
            }
            gone(key, epoch, create ? "open" : "head", attempt);
        }
    }

    /** The offsets follow the ring's sequences; the epoch vouches for them (see the class). */
    private RoomEvent.Message place(RoomEvent.Message message) {
        String key = names.key(message.room());
        byte[] stored = seal.seal(key, StoredMessages.encode(message));
        for (int attempt = 1; ; attempt++) {
            String epoch = epoch(key, true);
            // Before the add, so that the epoch outlives the message by more than a TTL whatever happens after.
            if (!refresh(key, epoch)) {
                gone(key, epoch, "append", attempt);
                continue;
            }
            Ringbuffer<byte[]> ring = hazelcast.getRingbuffer(ring(key, epoch));
            // Returns once the owner and the synchronous backup hold it (docs/CLUSTER.md on the backup ack).
            long sequence = await(ring.addAsync(stored, OverflowPolicy.OVERWRITE));
            if (vouched(key, epoch)) {
                return message.at(epoch, sequence + 1);
            }
            // The epoch went under the add (it expired, or every copy was lost): its ring goes with the
            // message in it, and the message is added to the ring of the room's current epoch.
            gone(key, epoch, "append", attempt);
        }
    }

    /**
     * The epoch an operation used is no longer the room's: its ring is destroyed (nobody can use it
     * again), what this instance knew of it forgotten, and the operation tried again.
     */
    private void gone(String key, String epoch, String operation, int attempt) {
        forget(key, epoch);
        destroyLater(key, epoch);
        LOG.log(Level.INFO, "{0}: stream epoch {1} went during {2} (it expired, or every copy of its partition was "
                + "lost); attempt {3} of {4}", key, epoch, operation, attempt, ATTEMPTS);
        if (attempt >= ATTEMPTS) {
            throw new IllegalStateException(key + ": the cluster keeps losing its stream");
        }
    }

    /**
     * The room's epoch as this instance knows it, else as the cluster has it; with {@code create}, put
     * now when the room has none (with its time to live), else null.
     */
    private String epoch(String key, boolean create) {
        Known mine = known.get(key);
        if (mine != null) {
            return mine.epoch();
        }
        long now = System.nanoTime();
        long refreshedAt = now - refreshNanos; // learned, not refreshed: the next append or open refreshes it
        String epoch = epochs.get(key);
        if (epoch == null) {
            if (!create) {
                return null;
            }
            String created = fresh.next();
            String raced = epochs.putIfAbsent(key, created, epochTtlSeconds, TimeUnit.SECONDS);
            epoch = raced != null ? raced : created;
            if (raced == null) {
                refreshedAt = now;
            }
        }
        remember(key, new Known(epoch, refreshedAt));
        return epoch;
    }

    /** Whether the cluster still has {@code epoch} for the room, read after the ring operation. */
    private boolean vouched(String key, String epoch) {
        return epoch.equals(epochs.get(key));
    }

    /**
     * Extends the epoch entry's life, unless this instance did so less than a TTL ago (then it has more
     * than a TTL left); false when the entry is gone.
     */
    private boolean refresh(String key, String epoch) {
        Known mine = known.get(key);
        long now = System.nanoTime();
        if (mine != null && mine.epoch().equals(epoch) && now - mine.refreshedAt() < refreshNanos) {
            return true;
        }
        if (!epochs.setTtl(key, epochTtlSeconds, TimeUnit.SECONDS)) {
            return false;
        }
        remember(key, new Known(epoch, now));
        return true;
    }

    private void remember(String key, Known epoch) {
        if (known.size() >= KNOWN_MAX) {
            known.clear(); // crude but bounded: an epoch forgotten costs one read
        }
        known.put(key, epoch);
    }

    private void forget(String key, String epoch) {
        known.computeIfPresent(key, (k, v) -> v.epoch().equals(epoch) ? null : v);
    }

    /** An epoch entry expired (see the class): its ring goes, on every instance that hears of it. */
    private void expired(String key, String epoch) {
        if (key == null || epoch == null) {
            return;
        }
        forget(key, epoch);
        destroyLater(key, epoch);
    }

    private void destroyLater(String key, String epoch) {
        if (closed) {
            LOG.log(Level.DEBUG, "{0}: not destroying the ring of epoch {1}: closing", key, epoch);
            return;
        }
        try {
            cleanup.execute(() -> destroy(key, epoch));
            cleanup.schedule(() -> destroyIfStillGone(key, epoch), DESTROY_AGAIN_SECONDS, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "{0}: not destroying the ring of epoch {1}: closing", key, epoch);
        }
    }

    /**
     * The second destroy, only while the epoch is still not the room's: a member that judged an epoch
     * gone during a partition (its side had lost the entry) must not destroy, after the heal, the ring
     * that the merge kept under that same epoch.
     */
    private void destroyIfStillGone(String key, String epoch) {
        try {
            if (epoch.equals(epochs.get(key))) {
                return;
            }
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "{0}: not destroying the ring of epoch {1} again: {2}", key, epoch, e.toString());
            return;
        }
        destroy(key, epoch);
    }

    private void destroy(String key, String epoch) {
        try {
            hazelcast.getRingbuffer(ring(key, epoch)).destroy();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "{0}: destroying the ring of epoch {1}: {2}", key, epoch, e.toString());
        }
    }

    /** Stops listening to the instance, which outlives this application. */
    @Override
    public void close() {
        closed = true; // destroys already scheduled still run, as they did when this store shut its own thread down

        if (partitionLostRegistration == null) {
            return;
        }
        try {
            hazelcast.getPartitionService().removePartitionLostListener(partitionLostRegistration);
            hazelcast.getLifecycleService().removeLifecycleListener(lifecycleRegistration);
            epochs.removeEntryListener(expiryRegistration);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "room streams: {0}", e.toString()); // Hazelcast is going away as well
        }
    }

    private Slice read(String key, Ringbuffer<byte[]> ring, String epoch, long after, int limit, boolean newest) {
        long tail = ring.tailSequence();
        long head = Math.min(ring.headSequence(), tail + 1);
        long latest = tail + 1;
        if (limit <= 0 || after >= latest) {
            long candidates = after >= latest ? 0 : latest - Math.max(after, head);
            return new Slice(epoch, latest, head + 1, List.of(), candidates > 0);
        }
        List<RoomEvent.Message> messages = new ArrayList<>();
        long from = Math.max(after, head); // the sequence of offset after + 1, or the oldest kept
        long start = newest ? Math.max(from, tail - limit + 1) : from;
        long wanted = Math.min(limit, latest - start);
        long sequence = start;
        while (messages.size() < wanted) {
            ReadResultSet<byte[]> batch;
            try {
                batch = await(ring.readManyAsync(sequence, 0, (int) Math.min(BATCH, wanted - messages.size()), null));
            } catch (StaleSequenceException e) {
                // Overwritten or expired while we read: what is kept now starts at its head. Recovery and
                // the gap fetch judge from the oldest offset returned, so nothing is skipped silently.
                head = e.getHeadSeq();
                messages.clear();
                from = Math.max(after, head);
                sequence = newest ? Math.max(from, tail - limit + 1) : from;
                wanted = Math.min(limit, latest - sequence);
                continue;
            }
            if (batch.readCount() == 0) {
                break;
            }
            for (int i = 0; i < batch.size() && messages.size() < wanted; i++) {
                long at = batch.getSequence(i);
                if (at > tail) {
                    break; // appended since we looked: not part of this read
                }
                if (messages.isEmpty() && at > sequence && sequence >= head) {
                    head = at; // the head moved on while we read (Hazelcast then reads from the new head)
                }
                messages.add(opened(key, batch.get(i)).at(epoch, at + 1));
            }
            sequence = batch.getNextSequenceToReadFrom();
            if (sequence > tail) {
                break;
            }
        }
        long oldest = Math.min(head, tail + 1) + 1;
        long candidates = latest - Math.max(after, oldest - 1);
        return new Slice(epoch, latest, oldest, messages, candidates > messages.size());
    }

    /**
     * Claims an idempotency key: null marker means ours to publish (returned), a stored placement is the
     * first publish's. A claim still pending is waited for; one pending past the wait is taken over
     * (its publisher died or hangs), with a compare-and-set so that only one repeat takes it.
     */
    private Object claim(String key) {
        byte[] mine = seal.seal(keyContext(key), StoredMessages.pending(UUID.randomUUID().toString()));
        long deadline = System.nanoTime() + CLAIM_WAIT_NANOS;
        long pause = 2;
        while (true) {
            byte[] existing = keys.putIfAbsent(key, mine, ttlSeconds, TimeUnit.SECONDS);
            if (existing == null) {
                return mine;
            }
            byte[] entry = seal.open(keyContext(key), existing);
            if (entry == null) {
                // Not written by an instance of this cluster: never believed, and replaced by our claim.
                rejected.run();
                LOG.log(Level.WARNING, "an idempotency key entry whose seal does not open was replaced");
                if (keys.replace(key, existing, mine)) {
                    return mine;
                }
                continue;
            }
            if (!StoredMessages.isPending(entry)) {
                return StoredMessages.placementOf(entry);
            }
            if (System.nanoTime() - deadline > 0) {
                if (keys.replace(key, existing, mine)) {
                    LOG.log(Level.WARNING, "idempotency key still pending after {0} s: its first publish is taken "
                            + "over by a repeat", TimeUnit.NANOSECONDS.toSeconds(CLAIM_WAIT_NANOS));
                    return mine;
                }
                continue;
            }
            try {
                Thread.sleep(pause); // the first publish is a few round trips away from done
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the first publish of a repeated key", e);
            }
            pause = Math.min(50, pause * 2);
        }
    }

    /** The first publish failed: a repeat may publish. */
    private void release(String key, byte[] claim) {
        try {
            keys.remove(key, claim);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "releasing an idempotency key: {0}", e.toString()); // it expires with its TTL
        }
    }

    /** A kept message of a room's ring, once its seal opened; one that does not is counted and fails the read. */
    private RoomEvent.Message opened(String key, byte[] item) {
        byte[] stored = seal.open(key, item);
        if (stored == null) {
            rejected.run();
            throw new IllegalStateException(key + " holds a message whose seal does not open (written by "
                    + "something outside this cluster): not handed out");
        }
        return StoredMessages.decode(stored);
    }

    /** What a key entry is sealed for: that key, so that an entry copied under another key does not open. */
    private static String keyContext(String key) {
        return "key:" + key;
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the cluster", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
