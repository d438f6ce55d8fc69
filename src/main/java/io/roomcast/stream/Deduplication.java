package io.roomcast.stream;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * This instance's memory of idempotency keys (PROTOCOL 9.3): the first publish with a key claims it,
 * and a repeat within the TTL gets the first one's {@link Placement}. A repeat racing with a first
 * publish still in progress waits for it, so two resends never both publish.
 *
 * <p>An entry keeps the key and the placement only, never the text (PROTOCOL 13.2), and is counted in
 * {@link #bytes}, which the owner bounds together with its messages: past the bound it calls
 * {@link #evictOldest}. Keys expire in the order they were claimed (the TTL is the same for all), so
 * expiry and eviction are walks from the oldest, never a scan.
 */
final class Deduplication {

    /** How long a repeat waits for the first publish with its key to be stored. */
    private static final long WAIT_SECONDS = 10;
    /**
     * Fixed cost of a remembered key beyond its characters: the claim, its future and placement (id
     * and epoch strings included), the map node and the deque slot.
     */
    static final int KEY_OVERHEAD = 240;

    /** A claimed key, its placement once its first publish is stored (null while in progress or failed). */
    private record Claim(String key, CompletableFuture<Placement> placement, long expiresAt, long cost) {
    }

    private final long ttlNanos;
    private final LongSupplier clock;
    private final Map<String, Claim> claims = new ConcurrentHashMap<>();
    private final ArrayDeque<Claim> byAge = new ArrayDeque<>(); // guarded by itself
    private final AtomicLong bytes = new AtomicLong();

    Deduplication(long ttlNanos, LongSupplier clock) {
        this.ttlNanos = ttlNanos;
        this.clock = clock;
    }

    /** The outcome of a claim: the first publish's placement when the key was seen, else a claim to complete. */
    sealed interface Outcome {
    }

    record Seen(Placement first) implements Outcome {
    }

    record Claimed(CompletableFuture<Placement> placement, String key) implements Outcome {
    }

    /** Claims a key; a key whose first publish failed is claimed anew. */
    Outcome claim(String key) {
        long now = clock.getAsLong();
        while (true) {
            Claim fresh = new Claim(key, new CompletableFuture<>(), now + ttlNanos, cost(key));
            Claim existing = claims.putIfAbsent(key, fresh);
            if (existing == null) {
                remember(fresh);
                return new Claimed(fresh.placement(), key);
            }
            if (existing.expiresAt() - now <= 0) {
                claims.remove(key, existing);
                continue;
            }
            Placement first = await(existing.placement());
            if (first != null) {
                return new Seen(first);
            }
            claims.remove(key, existing); // the first publish failed: this one may try
        }
    }

    /** The first publish did not happen: a repeat may publish. */
    void failed(Claimed claim) {
        claim.placement().complete(null);
        claims.computeIfPresent(claim.key(), (k, c) -> c.placement() == claim.placement() ? null : c);
    }

    /** Forgets expired keys, oldest first. */
    void expire() {
        long now = clock.getAsLong();
        synchronized (byAge) {
            Claim oldest;
            while ((oldest = byAge.peekFirst()) != null && oldest.expiresAt() - now <= 0) {
                forget(byAge.pollFirst());
            }
        }
    }

    /** When the oldest remembered key expires (its age, as the TTL is the same for all); empty when there is none. */
    OptionalLong oldestExpiry() {
        synchronized (byAge) {
            Claim oldest = byAge.peekFirst();
            return oldest == null ? OptionalLong.empty() : OptionalLong.of(oldest.expiresAt());
        }
    }

    /**
     * Forgets the oldest key before its TTL, to keep the byte bound; a resend with it then publishes
     * again (PROTOCOL 13.2). Returns false when there was none.
     */
    boolean evictOldest() {
        synchronized (byAge) {
            Claim oldest = byAge.pollFirst();
            if (oldest == null) {
                return false;
            }
            forget(oldest);
            return true;
        }
    }

    /** The estimated bytes of the remembered keys. */
    long bytes() {
        return bytes.get();
    }

    int size() {
        return claims.size();
    }

    /** What one remembered key costs: see {@link #KEY_OVERHEAD}; a key is the user, the room and the ref. */
    static long cost(String key) {
        return KEY_OVERHEAD + 2L * key.length();
    }

    private void remember(Claim claim) {
        synchronized (byAge) {
            byAge.addLast(claim);
            bytes.addAndGet(claim.cost());
        }
    }

    /** Under the deque's lock: the claim has left it. */
    private void forget(Claim claim) {
        claims.remove(claim.key(), claim);
        bytes.addAndGet(-claim.cost());
    }

    private static Placement await(CompletableFuture<Placement> placement) {
        try {
            return placement.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }
}
