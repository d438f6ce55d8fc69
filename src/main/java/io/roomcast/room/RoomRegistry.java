package io.roomcast.room;

import io.roomcast.connection.Connection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is in which room on this instance. A room exists while it has members: membership changes run
 * inside {@link ConcurrentHashMap#compute}, so a join can never land in a room that a concurrent last
 * leave is deleting.
 */
@ApplicationScoped
public class RoomRegistry {

    /** The outcome of a join or leave: whether membership changed, and the member count after it. */
    public record Change(boolean changed, int members) {
    }

    private final Map<Integer, Set<Connection>> rooms = new ConcurrentHashMap<>();

    public Change join(int room, Connection connection) {
        boolean[] added = new boolean[1];
        Set<Connection> members = rooms.compute(room, (k, set) -> {
            Set<Connection> current = set == null ? ConcurrentHashMap.newKeySet() : set;
            added[0] = current.add(connection);
            return current;
        });
        connection.rooms().add(room);
        return new Change(added[0], members.size());
    }

    public Change leave(int room, Connection connection) {
        boolean[] removed = new boolean[1];
        int[] remaining = new int[1];
        rooms.computeIfPresent(room, (k, set) -> {
            removed[0] = set.remove(connection);
            remaining[0] = set.size();
            return set.isEmpty() ? null : set;
        });
        connection.rooms().remove(room);
        return new Change(removed[0], remaining[0]);
    }

    /** A weakly consistent view of a room's members; empty for a room without members. */
    public Set<Connection> members(int room) {
        return rooms.getOrDefault(room, Set.of());
    }

    public int memberCount(int room) {
        return members(room).size();
    }

    public boolean isMember(int room, Connection connection) {
        return members(room).contains(connection);
    }

    public int roomCount() {
        return rooms.size();
    }

    /** Member counts by room, in room order. */
    public Map<Integer, Integer> sizes() {
        Map<Integer, Integer> sizes = new TreeMap<>();
        rooms.forEach((room, members) -> {
            int n = members.size();
            if (n > 0) {
                sizes.put(room, n);
            }
        });
        return sizes;
    }
}
