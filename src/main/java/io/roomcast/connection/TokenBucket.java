package io.roomcast.connection;

/**
 * A token bucket that also remembers in which seconds it refused, so persistent abuse can be told
 * from a burst. Not thread-safe: a WebSocket implementation delivers one connection's frames one at a
 * time, and each connection owns its bucket.
 */
public final class TokenBucket {

    private final double ratePerNano;
    private final double capacity;
    private double tokens;
    private long lastRefill;
    private long lastRefusedSecond = Long.MIN_VALUE;
    private int consecutiveRefusedSeconds;

    public TokenBucket(double ratePerSecond, int burst, long nowNanos) {
        this.ratePerNano = ratePerSecond / 1_000_000_000d;
        this.capacity = burst;
        this.tokens = burst;
        this.lastRefill = nowNanos;
    }

    /** Takes one token; false when the frame is over the rate. */
    public boolean tryTake(long nowNanos) {
        tokens = Math.min(capacity, tokens + (nowNanos - lastRefill) * ratePerNano);
        lastRefill = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        long second = nowNanos / 1_000_000_000L;
        if (second != lastRefusedSecond) {
            consecutiveRefusedSeconds = second == lastRefusedSecond + 1 ? consecutiveRefusedSeconds + 1 : 1;
            lastRefusedSecond = second;
        }
        return false;
    }

    /** How many consecutive seconds, up to the last refusal, saw at least one refused frame. */
    public int consecutiveRefusedSeconds() {
        return consecutiveRefusedSeconds;
    }
}
