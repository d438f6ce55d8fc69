package io.roomcast.api;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.TokenBucket;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * The publish API's rate per token {@code sub} (PROTOCOL 12): {@code roomcast.limits.rate} per
 * second, burst {@code roomcast.limits.burst}, one token bucket per user.
 *
 * <p>The map of buckets is bounded: a bucket that has had time to refill completely is the same as
 * no bucket, so it is dropped without changing any decision. When the map holds more than
 * {@link #SWEEP_ABOVE} users, at most once a second, every such idle bucket goes; the map then holds
 * only the users who published within the last {@code burst / rate} seconds (2 s by default), so its
 * size is bounded by the request rate the server can take, not by the number of users ever seen.
 * (Only holders of a token signed with our key can add a user at all.)
 */
@ApplicationScoped
public class PublishRates {

    static final int SWEEP_ABOVE = 10_000;
    private static final long SECOND = 1_000_000_000L;

    @Inject
    RoomcastSettings settings;

    private final ConcurrentMap<String, Entry> buckets = new ConcurrentHashMap<>();
    private LongSupplier clock = System::nanoTime;
    private double ratePerSecond;
    private int burst;
    private long refillNanos;
    private volatile long lastSweep;

    /** A bucket and when it was last used; the bucket itself is not thread-safe, so it is used under its entry's lock. */
    private static final class Entry {
        final TokenBucket bucket;
        long lastUsed;

        Entry(TokenBucket bucket, long now) {
            this.bucket = bucket;
            this.lastUsed = now;
        }
    }

    public PublishRates() {
    }

    /** For tests: fixed figures and a clock. */
    PublishRates(double ratePerSecond, int burst, LongSupplier clock) {
        this.clock = clock;
        configure(ratePerSecond, burst);
    }

    @PostConstruct
    void init() {
        configure(settings.ratePerSecond(), settings.rateBurst());
    }

    private void configure(double ratePerSecond, int burst) {
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.refillNanos = (long) Math.ceil(burst / ratePerSecond * SECOND);
        this.lastSweep = clock.getAsLong();
    }

    /** Takes one publish from the user's bucket; false when over the rate (429). */
    public boolean tryPublish(String user) {
        long now = clock.getAsLong();
        sweepIfLarge(now);
        Entry entry = buckets.computeIfAbsent(user, u -> new Entry(new TokenBucket(ratePerSecond, burst, now), now));
        synchronized (entry) {
            entry.lastUsed = now;
            return entry.bucket.tryTake(now);
        }
    }

    /** How many users have a bucket (for tests). */
    int size() {
        return buckets.size();
    }

    private void sweepIfLarge(long now) {
        if (buckets.size() <= SWEEP_ABOVE || now - lastSweep < SECOND) {
            return;
        }
        lastSweep = now;
        buckets.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                return now - e.getValue().lastUsed >= refillNanos;
            }
        });
    }
}
