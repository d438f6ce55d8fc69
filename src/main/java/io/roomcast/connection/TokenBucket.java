package io.roomcast.connection;

/**
 * A token bucket that also remembers in which seconds it refused, so persistent abuse can be told
 * from a burst. Not thread-safe: a WebSocket implementation delivers one connection's frames one at a
 * time, and each connection owns its bucket; a bucket shared by several threads ({@link RateBuckets})
 * is used under a lock.
 */
public final class TokenBucket {

    private final double ratePerNano;
    private final double capacity;
    private double tokens;
    private long lastRefill;
    private long lastRefusedSecond = Long.MIN_VALUE;
    private int consecutiveRefusedSeconds;
    private boolean refusalTold;
    private long lastRefusalToldNanos;

    public TokenBucket(double ratePerSecond, int burst, long nowNanos) {
        this.ratePerNano = ratePerSecond / 1_000_000_000d;
        this.capacity = burst;
        this.tokens = burst;
        this.lastRefill = nowNanos;
    }

    /** Takes one token; false when the frame is over the rate. */
    public boolean tryTake(long nowNanos) {
        if (nowNanos > lastRefill) {
            // a shared bucket's takers read the clock before its lock, so one may come in with an earlier time
            tokens = Math.min(capacity, tokens + (nowNanos - lastRefill) * ratePerNano);
            lastRefill = nowNanos;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        countRefusal(nowNanos);
        return false;
    }

    /**
     * The frame this bucket has just let through was refused by another bucket (the user's, PROTOCOL
     * 13.5): its token comes back, since the frame is dropped, and the second counts as one with a
     * refusal, so a connection held back by its user's bucket is closed by the rule of ten seconds too.
     */
    public void refusedElsewhere(long nowNanos) {
        tokens = Math.min(capacity, tokens + 1);
        countRefusal(nowNanos);
    }

    /** After a refusal: nanoseconds until the next token (at least 1). */
    public long nanosUntilToken() {
        return Math.max(1, (long) Math.ceil((1 - tokens) / ratePerNano));
    }

    private void countRefusal(long nowNanos) {
        long second = nowNanos / 1_000_000_000L;
        if (second != lastRefusedSecond) {
            consecutiveRefusedSeconds = second == lastRefusedSecond + 1 ? consecutiveRefusedSeconds + 1 : 1;
            lastRefusedSecond = second;
        }
    }

    /**
     * Whether a refusal at this moment should be told to the client: at most once per second
     * (PROTOCOL 12), so that a flood earns a trickle of {@code rate_limited} errors rather than one per
     * dropped frame. The frames themselves are dropped and counted either way.
     */
    public boolean refusalNoticeDue(long nowNanos) {
        if (refusalTold && nowNanos - lastRefusalToldNanos < 1_000_000_000L) {
            return false;
        }
        refusalTold = true;
        lastRefusalToldNanos = nowNanos;
        return true;
    }

    /** How many consecutive seconds, up to the last refusal, saw at least one refused frame. */
    public int consecutiveRefusedSeconds() {
        return consecutiveRefusedSeconds;
    }
}
