package io.roomcast.connection;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Token buckets by key, shared by every thread that takes from them: the publish API's rate per user
 * (PROTOCOL 12), the frame rate shared by a user's connections and the handshake rate per address
 * (PROTOCOL 13.5).
 *
 * <p>Bounded in memory without changing any decision: a bucket that has had time to refill completely
 * (nothing taken for {@code burst / rate} seconds) is the same as no bucket, so it may be dropped and
 * made afresh, full, when its key comes back. When the map holds more than {@code sweepAbove} keys, at
 * most once a second, every such bucket goes; the map then holds only the keys used within the last
 * {@code burst / rate} seconds, bounded by the rate of requests the server can take, not by the number
 * of keys ever seen. A bucket is never dropped earlier, so a key cannot reset its bucket by going away
 * (closing its connections) and coming back.
 *
 * @param <K> the key: a user, an address
 */
public final class RateBuckets<K> {

    /** Above this many keys, idle buckets are swept (about a megabyte of buckets). */
    public static final int SWEEP_ABOVE = 10_000;
    private static final long SECOND = 1_000_000_000L;

    private final ConcurrentMap<K, Entry> buckets = new ConcurrentHashMap<>();
    private final double ratePerSecond;
    private final int burst;
    private final long refillNanos;
    private final int sweepAbove;
    private volatile long lastSweep;

    /**
     * A bucket and when it was last used; the bucket itself is not thread-safe, so it is used under its
     * entry's lock. A swept entry is marked under that lock, so a taker that found it just before it went
     * takes from the next one instead (no token is taken from a bucket nobody will see again).
     */
    private static final class Entry {
        final TokenBucket bucket;
        long lastUsed;
        boolean swept;

        Entry(TokenBucket bucket, long now) {
            this.bucket = bucket;
            this.lastUsed = now;
        }
    }

    public RateBuckets(double ratePerSecond, int burst, long nowNanos) {
        this(ratePerSecond, burst, SWEEP_ABOVE, nowNanos);
    }

    /** For tests: a smaller map before sweeps start. */
    RateBuckets(double ratePerSecond, int burst, int sweepAbove, long nowNanos) {
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.refillNanos = (long) Math.ceil(burst / ratePerSecond * SECOND);
        this.sweepAbove = sweepAbove;
        this.lastSweep = nowNanos;
    }

    /** Takes one token from the key's bucket; false when it is empty. */
    public boolean tryTake(K key, long nowNanos) {
        return take(key, nowNanos) == 0;
    }

    /**
     * Takes one token from the key's bucket: 0 when taken, otherwise the nanoseconds until the bucket
     * has a token again (for {@code Retry-After}).
     */
    public long take(K key, long nowNanos) {
        sweepIfLarge(nowNanos);
        while (true) {
            Entry entry = buckets.computeIfAbsent(key, k -> new Entry(new TokenBucket(ratePerSecond, burst, nowNanos), nowNanos));
            synchronized (entry) {
                if (!entry.swept) {
                    entry.lastUsed = nowNanos;
                    return entry.bucket.tryTake(nowNanos) ? 0 : entry.bucket.nanosUntilToken();
                }
            }
        }
    }

    /** How many keys have a bucket. */
    public int size() {
        return buckets.size();
    }

    private void sweepIfLarge(long now) {
        if (buckets.size() <= sweepAbove || now - lastSweep < SECOND) {
            return;
        }
        lastSweep = now;
        buckets.entrySet().removeIf(e -> {
            Entry entry = e.getValue();
            synchronized (entry) {
                entry.swept = entry.swept || now - entry.lastUsed >= refillNanos;
                return entry.swept;
            }
        });
    }
}
