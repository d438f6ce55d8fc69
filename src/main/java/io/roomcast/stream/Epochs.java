package io.roomcast.stream;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * New epochs: 64 random bits in base 36 (at most 13 characters, well within the protocol's 32). Random
 * rather than counted, so that a restarted instance, or another member of a cluster, never hands out
 * an epoch a client may still hold.
 *
 * <p>The bits come from a generator seeded once from {@link SecureRandom}: an epoch has to be unique, not
 * secret (it is sent to every member of its room), and the durable store's writer draws one for each room
 * of each batch (a room that exists keeps its own), where a {@code SecureRandom} draw was 5 % of the
 * writer's CPU on the 100x10 fan-out (docs/BENCHMARKS.md).
 */
public final class Epochs {

    private final SplittableRandom random = new SplittableRandom(new SecureRandom().nextLong());

    public String next() {
        long bits;
        synchronized (random) { // SplittableRandom is not thread-safe; a draw takes nanoseconds
            bits = random.nextLong();
        }
        return Long.toUnsignedString(bits, 36);
    }
}
