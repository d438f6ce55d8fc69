package io.roomcast.stream;

import io.roomcast.room.event.RoomEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;

/**
 * Rooms' streams in this instance's memory: a single server (Payara without a cluster, WildFly).
 *
 * <p>Each room keeps at most {@code size} messages, each for {@code ttl} after it was published. All
 * rooms' messages and the idempotency keys together keep at most {@code maxBytes} (estimated from the
 * strings held, PROTOCOL 9 and 13.2); past that the oldest go first: the oldest key, or the oldest
 * message of the least recently published room, whichever was stored earlier.
 *
 * <p>Only a publish ({@link #append}) or a join ({@link #open}) creates a stream; reads never do
 * (PROTOCOL 13.3).
 *
 * <p>Expiry visits only rooms with something due: each stream has exactly one entry in a queue ordered
 * by when its oldest message expires, so a {@link #sweep} costs the rooms due, never a scan of all.
 * Reads and appends also drop what has expired, so nothing stale is served between sweeps. A stream
 * whose messages have all expired is dropped once its room has no members (the next one gets a new
 * epoch); one with members is kept, epoch and latest offset included.
 *
 * <p>Locks: each stream guards itself; {@code recent} (publication order, for the byte bound) and
 * {@code due} are each taken alone or before a stream's lock, never after; the keys' own lock is taken
 * alone or inside {@code recent}, never with a stream's.
 */
public final class MemoryStreams implements StreamStore {

    /** Fixed cost of a kept message beyond its strings: the record, its entry and the deque slot. */
    static final int MESSAGE_OVERHEAD = 120;

    private final int size;
    private final long ttlNanos;
    private final long maxBytes;
    private final LongSupplier clock;
    private final IntPredicate hasMembers;
    private final Epochs epochs = new Epochs();
    private final Deduplication keys;
    private final ConcurrentHashMap<Integer, Stream> streams = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    /** Streams holding messages, least recently published first. */
    private final LinkedHashMap<Integer, Stream> recent = new LinkedHashMap<>(16, 0.75f, true);
    private final PriorityQueue<Due> due = new PriorityQueue<>();

    /**
     * @param hasMembers whether a room has members: a stream is dropped only while its room has none
     * @param clock      nanoseconds, as {@link System#nanoTime}
     */
    public MemoryStreams(int size, long ttlNanos, long maxBytes, IntPredicate hasMembers, LongSupplier clock) {
        this.size = size;
        this.ttlNanos = ttlNanos;
        this.maxBytes = maxBytes;
        this.hasMembers = hasMembers;
        this.clock = clock;
        this.keys = new Deduplication(ttlNanos, clock);
    }

    @Override
    public boolean enabled() {
        return size > 0;
    }

    @Override
    public Appended append(RoomEvent.Message message, String dedupKey) {
        Deduplication.Claimed claim = null;
        if (dedupKey != null) {
            Deduplication.Outcome outcome = keys.claim(dedupKey);
            if (outcome instanceof Deduplication.Seen seen) {
                return Appended.repeat(message, seen.first());
            }
            claim = (Deduplication.Claimed) outcome;
        }
        try {
            RoomEvent.Message placed = enabled() ? place(message) : message;
            if (claim != null) {
                claim.placement().complete(Placement.of(placed));
                if (bytes() > maxBytes) {
                    evictOldest();
                }
            }
            return new Appended(placed, false);
        } catch (RuntimeException | Error e) {
            if (claim != null) {
                keys.failed(claim);
            }
            throw e;
        }
    }

    @Override
    public Slice read(int room, long after, int limit, boolean newest) {
        if (!enabled()) {
            return Slice.disabled();
        }
        while (true) {
            Stream stream = streams.get(room);
            if (stream == null) {
                return Slice.none();
            }
            synchronized (stream) {
                if (stream.dropped) {
                    continue;
                }
                release(stream.expire(clock.getAsLong()));
                return stream.read(after, limit, newest);
            }
        }
    }

    @Override
    public Slice open(int room) {
        if (!enabled()) {
            return Slice.disabled();
        }
        while (true) {
            Stream stream = stream(room);
            synchronized (stream) {
                if (stream.dropped) {
                    continue;
                }
                release(stream.expire(clock.getAsLong()));
                return stream.read(Long.MAX_VALUE, 0, false);
            }
        }
    }

    /** Expires what is due: messages past the TTL, idempotency keys, and streams emptied with no members. */
    @Override
    public void sweep() {
        long now = clock.getAsLong();
        keys.expire();
        while (true) {
            Due next;
            synchronized (due) {
                next = due.peek();
                if (next == null || next.at - now > 0) {
                    return;
                }
                due.poll();
            }
            Stream stream = next.stream;
            long released;
            boolean empty;
            synchronized (stream) {
                released = stream.expire(now);
                empty = stream.kept.isEmpty();
                if (empty && now - stream.lastExpiry >= 0 && !hasMembers.test(stream.room)) {
                    stream.dropped = true;
                    streams.remove(stream.room, stream);
                } else {
                    schedule(stream, empty ? Math.max(stream.lastExpiry, now + ttlNanos) : stream.kept.peekFirst().expiresAt);
                }
            }
            release(released);
            if (empty) {
                forgetIfEmpty(stream);
            }
        }
    }

    /** The estimated bytes of all kept messages and remembered idempotency keys. */
    @Override
    public long bytes() {
        return bytes.get() + keys.bytes();
    }

    @Override
    public long streams() {
        return streams.size();
    }

    private RoomEvent.Message place(RoomEvent.Message message) {
        long cost = cost(message);
        RoomEvent.Message placed;
        Stream stream;
        while (true) {
            stream = stream(message.room());
            synchronized (stream) {
                if (stream.dropped) {
                    continue;
                }
                long now = clock.getAsLong();
                long released = stream.expire(now);
                placed = message.at(stream.epoch, ++stream.latest);
                stream.kept.addLast(new Kept(placed, cost, now + ttlNanos));
                stream.lastExpiry = now + ttlNanos;
                if (stream.kept.size() > size) {
                    released += stream.kept.pollFirst().cost;
                }
                bytes.addAndGet(cost - released);
                break;
            }
        }
        synchronized (recent) {
            recent.put(stream.room, stream);
        }
        if (bytes() > maxBytes) {
            evictOldest();
        }
        return placed;
    }

    /**
     * Drops what was stored first until the bound holds: the oldest idempotency key, or the oldest
     * message of the least recently published room, whichever is older (both live the same TTL, so
     * the one that expires first was stored first).
     */
    private void evictOldest() {
        synchronized (recent) {
            Iterator<Stream> eldest = recent.values().iterator();
            Stream stream = null;
            while (bytes() > maxBytes) {
                if (stream == null && eldest.hasNext()) {
                    stream = eldest.next();
                }
                OptionalLong key = keys.oldestExpiry();
                if (stream != null) {
                    synchronized (stream) {
                        Kept oldest = stream.kept.peekFirst();
                        if (oldest == null) {
                            eldest.remove();
                            stream = null;
                            continue;
                        }
                        if (key.isEmpty() || oldest.expiresAt - key.getAsLong() < 0) {
                            bytes.addAndGet(-stream.kept.pollFirst().cost);
                            if (stream.kept.isEmpty()) {
                                eldest.remove();
                                stream = null;
                            }
                            continue;
                        }
                    }
                }
                if (!keys.evictOldest()) {
                    return;
                }
            }
        }
    }

    private void forgetIfEmpty(Stream stream) {
        synchronized (recent) {
            synchronized (stream) {
                if (stream.kept.isEmpty()) {
                    recent.remove(stream.room, stream);
                }
            }
        }
    }

    private void release(long released) {
        if (released != 0) {
            bytes.addAndGet(-released);
        }
    }

    private Stream stream(int room) {
        Stream existing = streams.get(room);
        if (existing != null) {
            return existing;
        }
        return streams.computeIfAbsent(room, r -> {
            Stream created = new Stream(r, epochs.next(), clock.getAsLong() + ttlNanos);
            schedule(created, created.lastExpiry);
            return created;
        });
    }

    private void schedule(Stream stream, long at) {
        synchronized (due) {
            due.add(new Due(at, stream));
        }
    }

    /** The estimated bytes a kept message holds in memory; the durable store bounds its rows by the same measure. */
    public static long cost(RoomEvent.Message m) {
        return MESSAGE_OVERHEAD + 2L * (m.text().length() + m.from().length() + m.id().length()
                + (m.ref() == null ? 0 : m.ref().length()));
    }

    private record Kept(RoomEvent.Message message, long cost, long expiresAt) {
    }

    private record Due(long at, Stream stream) implements Comparable<Due> {
        @Override
        public int compareTo(Due other) {
            return Long.compare(at - other.at, 0);
        }
    }

    /** One room's stream; every field is guarded by the stream itself. */
    private static final class Stream {
        final int room;
        final String epoch;
        final ArrayDeque<Kept> kept = new ArrayDeque<>();
        long latest;
        /** When the newest message ever published here expires (or the empty stream, from its creation). */
        long lastExpiry;
        boolean dropped;

        Stream(int room, String epoch, long lastExpiry) {
            this.room = room;
            this.epoch = epoch;
            this.lastExpiry = lastExpiry;
        }

        /** Drops expired messages from the front; returns their cost. */
        long expire(long now) {
            long released = 0;
            Kept oldest;
            while ((oldest = kept.peekFirst()) != null && oldest.expiresAt - now <= 0) {
                released += kept.pollFirst().cost;
            }
            return released;
        }

        Slice read(long after, int limit, boolean newest) {
            long oldest = kept.isEmpty() ? latest + 1 : kept.peekFirst().message.offset();
            List<RoomEvent.Message> matching = new ArrayList<>();
            int candidates = 0;
            if (limit > 0 && after < latest) {
                for (Kept k : kept) {
                    if (k.message.offset() > after) {
                        candidates++;
                    }
                }
                int skip = newest ? Math.max(0, candidates - limit) : 0;
                for (Kept k : kept) {
                    if (k.message.offset() > after && skip-- <= 0 && matching.size() < limit) {
                        matching.add(k.message);
                    }
                }
            } else if (after < latest) {
                candidates = (int) Math.min(Integer.MAX_VALUE, Math.max(0, latest - Math.max(after, oldest - 1)));
            }
            return new Slice(epoch, latest, oldest, matching, candidates > matching.size());
        }
    }
}
