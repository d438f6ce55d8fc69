package io.roomcast.observability;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * A distribution with fixed bucket bounds, recorded without a lock and without allocating: one
 * {@link LongAdder} per bucket and one for the sum, so recording from the send path costs a short scan
 * of the bounds and two uncontended adds. The count is the sum of the buckets, so a scrape's
 * {@code _count} always equals its {@code +Inf} bucket.
 */
public final class Histogram {

    private final long[] bounds;
    private final LongAdder[] buckets;
    private final LongAdder sum = new LongAdder();

    /** @param bounds the buckets' inclusive upper bounds, ascending, in the recorded unit; {@code +Inf} follows */
    Histogram(long... bounds) {
        for (int i = 1; i < bounds.length; i++) {
            if (bounds[i] <= bounds[i - 1]) {
                throw new IllegalArgumentException("bounds must ascend: " + Arrays.toString(bounds));
            }
        }
        this.bounds = bounds.clone();
        this.buckets = new LongAdder[bounds.length + 1];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    public void record(long value) {
        int i = 0;
        while (i < bounds.length && value > bounds[i]) {
            i++;
        }
        buckets[i].increment();
        sum.add(value);
    }

    /** The buckets' counts so far, cumulative as Prometheus writes them, and the sum. */
    Snapshot snapshot() {
        long[] cumulative = new long[buckets.length];
        long running = 0;
        for (int i = 0; i < buckets.length; i++) {
            running += buckets[i].sum();
            cumulative[i] = running;
        }
        return new Snapshot(bounds.clone(), cumulative, sum.sum());
    }

    /**
     * @param bounds     the finite upper bounds
     * @param cumulative one more than {@code bounds}: values at or below each bound, then all ({@code +Inf})
     */
    record Snapshot(long[] bounds, long[] cumulative, long sum) {

        long count() {
            return cumulative[cumulative.length - 1];
        }
    }
}
