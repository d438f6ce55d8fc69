package io.roomcast.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.ringbuffer.StaleSequenceException;
import io.roomcast.room.RoomEvent;
import io.roomcast.stream.Appended;
import io.roomcast.stream.Epochs;
import io.roomcast.stream.Slice;
import io.roomcast.stream.StreamStore;
import io.roomcast.stream.StreamUnavailableException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Rooms' streams held by the Payara cluster's Hazelcast (docs/CLUSTER.md, "Room streams"): each room's
 * messages in a Ringbuffer of its own ({@code roomcast.stream.<room>}: capacity
 * {@code roomcast.history.size}, time-to-live {@code roomcast.history.ttl}, one synchronous backup), a
 * message's offset its sequence + 1, and the room's epoch in an IMap under the ring's name, which puts
 * it in the ring's partition: the owner and the backup of that partition hold both, so both survive the
 * loss of one member, and both are lost together when every copy is.
 *
 * <p>The epoch vouches for the ring. A message's (epoch, offset) is used only when the epoch read
 * after the ring operation is the one this instance knew before it: epochs are random and never put
 * twice, so an unchanged entry proves that the partition was not lost in between, and that the
 * sequence belongs to that epoch. When every copy was lost, the entry is gone, the ring starts again
 * at sequence 0, and the first operation puts a new epoch: offsets restart at 1 under it, never reused
 * within an epoch. The epochs this instance knows are remembered, and forgotten when Hazelcast reports
 * a partition lost or a split-brain merge, so that an append costs two partition operations, not three.
 *
 * <p>Idempotency keys live in an IMap with the history TTL; {@code putIfAbsent} of a marker unique to
 * the claim decides which publish is the first, cluster-wide; a repeat waits for the first to finish.
 *
 * <p>Clustering is explicit and authenticated (PROTOCOL 13.10). Every structure is named in the
 * cluster's namespace (derived from its secret: instances of different secrets on one grid never share
 * a stream), every message and key entry kept is sealed for its ring or key ({@link ClusterSeal}; one
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

        String ring(int room) {
            return rings + room;
        }
    }

    /** Synchronous backups of every structure here: an ack means the owner and one backup hold it. */
    static final int BACKUPS = 1;
    /** Hazelcast's largest readMany batch. */
    private static final int BATCH = 1000;
    /** How long a repeat waits for the first publish with its key before taking the claim over. */
    private static final long CLAIM_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Attempts at an operation whose epoch changed under it (every copy of the room was just lost). */
    private static final int ATTEMPTS = 3;
    /** Epochs remembered at most (rooms this instance touched lately). */
    private static final int KNOWN_MAX = 100_000;

    private static final Logger LOG = System.getLogger(HazelcastStreams.class.getName());

    private final HazelcastInstance hazelcast;
    private final Names names;
    private final ClusterSeal seal;
    private final MajorityFence fence;
    private final Runnable rejected;
    private final int size;
    private final int ttlSeconds;
    private final IMap<String, String> epochs;
    private final IMap<String, byte[]> keys;
    private final Epochs fresh = new Epochs();
    /** Ring name to the epoch this instance last saw vouch for it; each use is checked (see the class). */
    private final Map<String, String> known = new ConcurrentHashMap<>();
    private final UUID partitionLostRegistration;
    private final UUID lifecycleRegistration;

    /**
     * @param rejected counts a kept message or key entry whose seal did not open
     * @param listen   false only in tests: a store that does not hear of lost partitions (or hears late)
     */
    HazelcastStreams(HazelcastInstance hazelcast, ClusterSeal seal, MajorityFence fence, Runnable rejected, int size,
                     int ttlSeconds, boolean listen) {
        this.hazelcast = hazelcast;
        this.names = Names.in(seal.namespace());
        this.seal = seal;
        this.fence = fence;
        this.rejected = rejected;
        this.size = size;
        this.ttlSeconds = ttlSeconds;
        this.epochs = hazelcast.getMap(names.epochs());
        this.keys = hazelcast.getMap(names.keys());
        if (!listen) {
            this.partitionLostRegistration = null;
            this.lifecycleRegistration = null;
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
    }

    /**
     * The store over the given Hazelcast instance, sealing with the cluster's seal and fenced by the
     * bus's quorum fence, after adding its configuration to the running cluster (a wildcard Ringbuffer
     * configuration and the two maps'); null when it is not one.
     */
    public static StreamStore create(Object hazelcastInstance, ClusterSeal seal, MajorityFence fence, int size,
                                     long ttlSeconds, Runnable rejected) {
        if (!(hazelcastInstance instanceof HazelcastInstance hz)) {
            return null;
        }
        int ttl = (int) Math.min(Integer.MAX_VALUE, ttlSeconds);
        configure(hz.getConfig(), Names.in(seal.namespace()), size, ttl);
        return new HazelcastStreams(hz, seal, fence, rejected, size, ttl, true);
    }

    /**
     * Added at run time: Payara built the instance's configuration, and dynamic configuration spreads
     * to every member. A member that was configured first wins; a differing one is logged.
     */
    static void configure(Config config, Names names, int size, int ttlSeconds) {
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
                .setTimeToLiveSeconds(ttlSeconds)), names.keys());
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
                    if (outcome instanceof RoomEvent.Message first) {
                        fence.after(ticket);
                        return new Appended(first, true);
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
                keys.set(dedupKey, seal.seal(keyContext(dedupKey), StoredMessages.encode(placed)), ttlSeconds,
                        TimeUnit.SECONDS);
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
        String name = names.ring(room);
        Ringbuffer<byte[]> ring = hazelcast.getRingbuffer(name);
        for (int attempt = 1; ; attempt++) {
            String epoch = epoch(name);
            Slice slice = read(name, ring, epoch, after, limit, newest);
            if (vouched(name, epoch)) {
                return slice;
            }
            lostUnder(room, "read", attempt);
        }
    }

    @Override
    public Slice head(int room) {
        if (!enabled()) {
            return Slice.disabled();
        }
        return fence.vouch("head of room " + room, () -> headVouched(room));
    }

    private Slice headVouched(int room) {
        String name = names.ring(room);
        Ringbuffer<byte[]> ring = hazelcast.getRingbuffer(name);
        for (int attempt = 1; ; attempt++) {
            String epoch = epoch(name);
            long tail = ring.tailSequence();
            long head = ring.headSequence();
            if (vouched(name, epoch)) {
                return new Slice(epoch, tail + 1, Math.min(head, tail + 1) + 1, List.of(), false);
            }
            lostUnder(room, "head", attempt);
        }
    }

    /** The offsets follow the ring's sequences; the epoch vouches for them (see the class). */
    private RoomEvent.Message place(RoomEvent.Message message) {
        String name = names.ring(message.room());
        Ringbuffer<byte[]> ring = hazelcast.getRingbuffer(name);
        byte[] stored = seal.seal(name, StoredMessages.encode(message));
        for (int attempt = 1; ; attempt++) {
            String epoch = epoch(name);
            // Returns once the owner and the synchronous backup hold it (docs/CLUSTER.md on the backup ack).
            long sequence = await(ring.addAsync(stored, OverflowPolicy.OVERWRITE));
            if (vouched(name, epoch)) {
                return message.at(epoch, sequence + 1);
            }
            // The epoch changed under the add. If the message is in the ring of the new epoch (it was
            // added after the loss), it keeps that place: adding it again would publish it twice.
            String current = epoch(name);
            if (Arrays.equals(itemAt(ring, sequence), stored) && vouched(name, current)) {
                return message.at(current, sequence + 1);
            }
            lostUnder(message.room(), "append", attempt);
        }
    }

    /** The ring's item at a sequence, or null when it keeps none there. */
    private static byte[] itemAt(Ringbuffer<byte[]> ring, long sequence) {
        if (sequence > ring.tailSequence()) {
            return null;
        }
        try {
            ReadResultSet<byte[]> one = await(ring.readManyAsync(sequence, 0, 1, null));
            return one.readCount() > 0 && one.getSequence(0) == sequence ? one.get(0) : null;
        } catch (StaleSequenceException e) {
            return null;
        }
    }

    /** Every copy of the room's partition was lost during an operation: try again under the new epoch. */
    private void lostUnder(int room, String operation, int attempt) {
        LOG.log(Level.WARNING, "room {0}: stream epoch changed during {1} (every copy of its partition was lost); "
                + "attempt {2} of {3}", room, operation, attempt, ATTEMPTS);
        if (attempt >= ATTEMPTS) {
            throw new IllegalStateException("room " + room + ": the cluster keeps losing its stream");
        }
    }

    /**
     * The room's epoch as this instance knows it, else as the cluster has it, put now when the stream
     * is new (or every copy of it was lost).
     */
    private String epoch(String name) {
        String epoch = known.get(name);
        if (epoch != null) {
            return epoch;
        }
        epoch = epochs.get(name);
        if (epoch == null) {
            String created = fresh.next();
            String raced = epochs.putIfAbsent(name, created);
            epoch = raced != null ? raced : created;
        }
        remember(name, epoch);
        return epoch;
    }

    /** Whether the cluster still has {@code epoch} for the ring, read after the ring operation. */
    private boolean vouched(String name, String epoch) {
        String now = epochs.get(name);
        if (epoch.equals(now)) {
            return true;
        }
        known.remove(name, epoch);
        return false;
    }

    private void remember(String name, String epoch) {
        if (known.size() >= KNOWN_MAX) {
            known.clear(); // crude but bounded: an epoch forgotten costs one read
        }
        known.put(name, epoch);
    }

    /** Stops listening to the instance, which outlives this application. */
    @Override
    public void close() {
        if (partitionLostRegistration == null) {
            return;
        }
        try {
            hazelcast.getPartitionService().removePartitionLostListener(partitionLostRegistration);
            hazelcast.getLifecycleService().removeLifecycleListener(lifecycleRegistration);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "room streams: {0}", e.toString()); // Hazelcast is going away as well
        }
    }

    private Slice read(String name, Ringbuffer<byte[]> ring, String epoch, long after, int limit, boolean newest) {
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
                messages.add(opened(name, batch.get(i)).at(epoch, at + 1));
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
     * Claims an idempotency key: null marker means ours to publish (returned), a stored message is the
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
                return StoredMessages.decode(entry);
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

    /** A kept message of the ring, once its seal opened; one that does not is counted and fails the read. */
    private RoomEvent.Message opened(String ring, byte[] item) {
        byte[] stored = seal.open(ring, item);
        if (stored == null) {
            rejected.run();
            throw new IllegalStateException(ring + " holds a message whose seal does not open (written by "
                    + "something outside this cluster): not handed out");
        }
        return StoredMessages.decode(stored);
    }

    /** What a key entry is sealed for: that key, so that an entry copied under another key does not open. */
    private static String keyContext(String key) {
        return "key:" + key;
    }

    /** The first publish failed: a repeat may publish. */
    private void release(String key, byte[] claim) {
        try {
            keys.remove(key, claim);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "releasing an idempotency key: {0}", e.toString()); // it expires with its TTL
        }
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
