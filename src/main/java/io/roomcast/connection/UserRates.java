package io.roomcast.connection;

import io.roomcast.config.RoomcastSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The frame rate shared by all connections of one user, guests by their client address (PROTOCOL
 * 13.5): {@code roomcast.limits.user-rate} frames per second, burst {@code roomcast.limits.user-burst},
 * on top of each connection's own bucket. A bucket outlives the connections of its owner until it
 * has refilled (see {@link RateBuckets}), so reconnecting starts with what was left, not a full burst.
 */
@ApplicationScoped
public class UserRates {

    private final RateBuckets<QuotaOwner> buckets;

    @Inject
    public UserRates(RoomcastSettings settings) {
        this.buckets = new RateBuckets<>(settings.userRatePerSecond(), settings.userRateBurst(), System.nanoTime());
    }

    /** For the CDI client proxy only. */
    protected UserRates() {
        this.buckets = null;
    }

    /** Takes one frame from the owner's bucket; false when the owner's connections are over the rate together. */
    public boolean tryTake(QuotaOwner owner, long nowNanos) {
        return buckets.tryTake(owner, nowNanos);
    }
}
