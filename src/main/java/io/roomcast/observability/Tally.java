package io.roomcast.observability;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * One of Roomcast's counters: a {@link LongAdder}, and where the server has MicroProfile Metrics also that
 * API's counter ({@link MetricsBinding}), which is push-only (it cannot read ours), so each count goes to
 * both. Both start at zero when the application starts, before any traffic.
 */
public final class Tally {

    private static final LongConsumer NOWHERE = n -> { };

    private final LongAdder count = new LongAdder();
    private volatile LongConsumer mirror = NOWHERE;

    public void increment() {
        add(1);
    }

    public void add(long n) {
        count.add(n);
        mirror.accept(n);
    }

    public long sum() {
        return count.sum();
    }

    /** Where each count also goes from now on: set once, when the application starts. */
    void mirrorTo(LongConsumer counter) {
        mirror = counter;
    }
}
