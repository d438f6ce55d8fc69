package io.roomcast.connection;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The single source of truth for live connections on this instance, with the indexes the handshake
 * limits and direct messages need. Removal is idempotent, so every way a session can end may call it
 * without double counting.
 *
 * <p>Connection limits are enforced when a handshake is accepted, before its session exists: the
 * handshake reserves a slot, and the session claims it when it opens. A reservation whose session
 * never opens (the upgrade failed) expires and gives its slot back, so nothing leaks.
 *
 * <p>On shutdown the registry is drained: every connection is handed out once to be closed, and from
 * then on no connection is added, so a client that reconnects at once is never accepted by a server
 * about to vanish (it would be told it recovered, then lose the socket).
 */
@ApplicationScoped
public class ConnectionRegistry {

    private final Map<String, Connection> byId = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
    private final Map<Integer, Set<Connection>> byClientId = new ConcurrentHashMap<>();
    private final Map<String, Reservation> reservations = new ConcurrentHashMap<>();
    private volatile boolean draining;

    /** A slot held for a handshake that was accepted and whose session has not opened yet. */
    private record Reservation(String address, String user, long createdNanos) {
    }

    /**
     * Reserves a connection slot for the address and, for an authenticated user, the user. Returns
     * false, reserving nothing, when either is at its limit.
     */
    public boolean reserve(String reservationId, String address, String user, int perAddressLimit,
                           int perUserLimit, long nowNanos) {
        if (!incrementBelow(perAddress, address, perAddressLimit)) {
            return false;
        }
        if (user != null && !incrementBelow(perUser, user, perUserLimit)) {
            decrement(perAddress, address);
            return false;
        }
        reservations.put(reservationId, new Reservation(address, user, nowNanos));
        return true;
    }

    /** Gives back the slots of reservations older than the age: their sessions never opened. */
    public int expireReservations(long nowNanos, long maxAgeNanos) {
        int expired = 0;
        for (Map.Entry<String, Reservation> entry : reservations.entrySet()) {
            Reservation r = entry.getValue();
            if (nowNanos - r.createdNanos() > maxAgeNanos && reservations.remove(entry.getKey(), r)) {
                release(r.address(), r.user());
                expired++;
            }
        }
        return expired;
    }

    /**
     * Adds an opened connection; false, adding nothing, once the registry is draining. (Put first,
     * then the flag: with {@link #drain} doing the opposite, a connection is either refused here or
     * handed out there, never missed by both.)
     */
    public boolean add(Connection connection) {
        if (byId.putIfAbsent(connection.id(), connection) != null) {
            throw new IllegalStateException("connection id reused: " + connection.id());
        }
        String reservation = connection.identity().reservation();
        if (draining) {
            byId.remove(connection.id(), connection);
            Reservation held = reservation == null ? null : reservations.remove(reservation);
            if (held != null) {
                release(held.address(), held.user());
            }
            return false;
        }
        if (reservation == null || reservations.remove(reservation) == null) {
            // no reservation, or it expired and gave its slot back: count the connection now
            increment(perAddress, connection.identity().address());
            if (connection.identity().authenticated()) {
                increment(perUser, connection.user());
            }
        }
        Integer clientId = connection.identity().clientId();
        if (clientId != null) {
            byClientId.computeIfAbsent(clientId, k -> ConcurrentHashMap.newKeySet()).add(connection);
        }
        return true;
    }

    /**
     * Stops accepting connections; the live ones stay. The start of a drain for shutdown: new
     * handshakes are refused and readiness is DOWN, while the open sessions go on until they are
     * closed (PROTOCOL 13.11).
     */
    public void stopAccepting() {
        draining = true;
    }

    /** Stops accepting connections and returns the live ones, to be closed by the caller. */
    public Collection<Connection> drain() {
        stopAccepting();
        return List.copyOf(byId.values());
    }

    /** False once {@link #stopAccepting} or {@link #drain} has been called: the server is shutting down. */
    public boolean accepting() {
        return !draining;
    }

    /** Forgets a connection; true only for the call that actually removed it. */
    public boolean remove(Connection connection) {
        if (!byId.remove(connection.id(), connection)) {
            return false;
        }
        release(connection.identity().address(), connection.identity().authenticated() ? connection.user() : null);
        Integer clientId = connection.identity().clientId();
        if (clientId != null) {
            byClientId.computeIfPresent(clientId, (k, set) -> {
                set.remove(connection);
                return set.isEmpty() ? null : set;
            });
        }
        return true;
    }

    public int size() {
        return byId.size();
    }

    /** A weakly consistent view of every live connection. */
    public Collection<Connection> all() {
        return Collections.unmodifiableCollection(byId.values());
    }

    public int connectionsFromAddress(String address) {
        return count(perAddress, address);
    }

    public int connectionsOfUser(String user) {
        return count(perUser, user);
    }

    /** The live {@code /ws/secure/{clientId}} connections of a client id. */
    public Set<Connection> byClientId(int clientId) {
        return byClientId.getOrDefault(clientId, Set.of());
    }

    private void release(String address, String user) {
        decrement(perAddress, address);
        if (user != null) {
            decrement(perUser, user);
        }
    }

    private static boolean incrementBelow(Map<String, AtomicInteger> counts, String key, int limit) {
        boolean[] done = new boolean[1];
        counts.compute(key, (k, n) -> {
            AtomicInteger count = n == null ? new AtomicInteger() : n;
            if (count.get() < limit) {
                count.incrementAndGet();
                done[0] = true;
            }
            return count.get() == 0 ? null : count;
        });
        return done[0];
    }

    private static void increment(Map<String, AtomicInteger> counts, String key) {
        counts.compute(key, (k, n) -> {
            AtomicInteger count = n == null ? new AtomicInteger() : n;
            count.incrementAndGet();
            return count;
        });
    }

    private static void decrement(Map<String, AtomicInteger> counts, String key) {
        counts.computeIfPresent(key, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    private static int count(Map<String, AtomicInteger> counts, String key) {
        AtomicInteger n = counts.get(key);
        return n == null ? 0 : n.get();
    }
}
