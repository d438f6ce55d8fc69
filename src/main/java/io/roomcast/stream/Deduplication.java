package io.roomcast.stream;

import io.roomcast.room.RoomEvent;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * This instance's memory of idempotency keys (PROTOCOL 9.3): the first publish with a key claims it,
 * and a repeat within the TTL gets the first one's message. A repeat racing with a first publish still
 * in progress waits for it, so two resends never both publish.
 *
 * <p>Keys expire in the order they were claimed (the TTL is the same for all), so expiry is a walk
 * from the oldest, never a scan. The number of keys is bounded; past it the oldest are forgotten
 * early, and the docs say so.
 */
final class Deduplication {

    /** How long a repeat waits for the first publish with its key to be stored. */
    private static final long WAIT_SECONDS = 10;

    /** A claimed key, and the message its first publish became (null while in progress or failed). */
    private record Claim(String key, CompletableFuture<RoomEvent.Message> message, long expiresAt) {
    }

    private final long ttlNanos;
    private final int maxKeys;
    private final LongSupplier clock;
    private final Map<String, Claim> claims = new ConcurrentHashMap<>();
    private final ArrayDeque<Claim> byAge = new ArrayDeque<>(); // guarded by itself

    Deduplication(long ttlNanos, int maxKeys, LongSupplier clock) {
        this.ttlNanos = ttlNanos;
        this.maxKeys = maxKeys;
        this.clock = clock;
    }

    /** The outcome of a claim: the first publish's message when the key was seen, else a claim to complete. */
    sealed interface Outcome {
    }

    record Seen(RoomEvent.Message first) implements Outcome {
    }

    record Claimed(CompletableFuture<RoomEvent.Message> message, String key) implements Outcome {
    }

    /** Claims a key; a key whose first publish failed is claimed anew. */
    Outcome claim(String key) {
        long now = clock.getAsLong();
        while (true) {
            Claim fresh = new Claim(key, new CompletableFuture<>(), now + ttlNanos);
            Claim existing = claims.putIfAbsent(key, fresh);
            if (existing == null) {
                remember(fresh);
                return new Claimed(fresh.message(), key);
            }
            if (existing.expiresAt() - now <= 0) {
                claims.remove(key, existing);
                continue;
            }
            RoomEvent.Message first = await(existing.message());
            if (first != null) {
                return new Seen(first);
            }
            claims.remove(key, existing); // the first publish failed: this one may try
        }
    }

    /** The first publish did not happen: a repeat may publish. */
    void failed(Claimed claim) {
        claim.message().complete(null);
        claims.computeIfPresent(claim.key(), (k, c) -> c.message() == claim.message() ? null : c);
    }

    /** Forgets expired keys, oldest first. */
    void expire() {
        long now = clock.getAsLong();
        synchronized (byAge) {
            Claim oldest;
            while ((oldest = byAge.peekFirst()) != null && oldest.expiresAt() - now <= 0) {
                byAge.pollFirst();
                claims.remove(oldest.key(), oldest);
            }
        }
    }

    int size() {
        return claims.size();
    }

    private void remember(Claim claim) {
        synchronized (byAge) {
            byAge.addLast(claim);
            while (byAge.size() > maxKeys) {
                Claim oldest = byAge.pollFirst();
                claims.remove(oldest.key(), oldest);
            }
        }
    }

    private static RoomEvent.Message await(CompletableFuture<RoomEvent.Message> message) {
        try {
            return message.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }
}
