package io.roomcast.connection;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The single source of truth for live connections on this instance, with the indexes the handshake
 * limits and direct messages need. Adding and removing are the only writes; removal is idempotent, so
 * every way a session can end may call it without double counting.
 */
@ApplicationScoped
public class ConnectionRegistry {

    private final Map<String, Connection> byId = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
    private final Map<Integer, Set<Connection>> byClientId = new ConcurrentHashMap<>();

    public void add(Connection connection) {
        if (byId.putIfAbsent(connection.id(), connection) != null) {
            throw new IllegalStateException("connection id reused: " + connection.id());
        }
        increment(perAddress, connection.identity().address());
        if (connection.identity().authenticated()) {
            increment(perUser, connection.user());
        }
        Integer clientId = connection.identity().clientId();
        if (clientId != null) {
            byClientId.computeIfAbsent(clientId, k -> ConcurrentHashMap.newKeySet()).add(connection);
        }
    }

    /** Forgets a connection; true only for the call that actually removed it. */
    public boolean remove(Connection connection) {
        if (!byId.remove(connection.id(), connection)) {
            return false;
        }
        decrement(perAddress, connection.identity().address());
        if (connection.identity().authenticated()) {
            decrement(perUser, connection.user());
        }
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
