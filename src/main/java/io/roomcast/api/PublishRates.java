package io.roomcast.api;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.RateBuckets;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.LongSupplier;

/**
 * The publish API's rate per token {@code sub} (PROTOCOL 12): {@code roomcast.limits.rate} per
 * second, burst {@code roomcast.limits.burst}, one token bucket per user. The buckets are bounded as
 * {@link RateBuckets} says: above {@link #SWEEP_ABOVE} users, buckets idle for {@code burst / rate}
 * seconds (full again, the same as none) are dropped. (Only holders of a token signed with our key can
 * add a user at all.)
 */
@ApplicationScoped
public class PublishRates {

    static final int SWEEP_ABOVE = RateBuckets.SWEEP_ABOVE;

    @Inject
    RoomcastSettings settings;

    private LongSupplier clock = System::nanoTime;
    private RateBuckets<String> buckets;

    public PublishRates() {
    }

    /** For tests: fixed figures and a clock. */
    PublishRates(double ratePerSecond, int burst, LongSupplier clock) {
        this.clock = clock;
        this.buckets = new RateBuckets<>(ratePerSecond, burst, clock.getAsLong());
    }

    @PostConstruct
    void init() {
        buckets = new RateBuckets<>(settings.ratePerSecond(), settings.rateBurst(), clock.getAsLong());
    }

    /** Takes one publish from the user's bucket; false when over the rate (429). */
    public boolean tryPublish(String user) {
        return buckets.tryTake(user, clock.getAsLong());
    }

    /** How many users have a bucket (for tests). */
    int size() {
        return buckets.size();
    }
}
