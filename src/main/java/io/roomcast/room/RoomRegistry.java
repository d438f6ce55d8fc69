package io.roomcast.room;

import io.roomcast.connection.Connection;
import io.roomcast.connection.QuotaOwner;
import io.roomcast.observability.RoomCount;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who is in which room on this instance. A room exists while it has members: membership changes run
 * inside {@link ConcurrentHashMap#compute}, so a join can never land in a room that a concurrent last
 * leave is deleting.
 *
 * <p>The number of rooms is capped exactly, concurrent joins included: a join that creates a room
 * first reserves a slot on a counter with compare-and-set, inside the room's {@code compute}, and the
 * last leave gives the slot back inside its own. The rooms that exist are never more than the slots
 * taken, and the slots never more than the limit. A connection's own cap is checked under its
 * membership lock (see {@link Connection#unlessEnded}), which also keeps an ended connection out of
 * every room. The rooms of each user (guests: each address) are counted in {@link OwnerRooms}, changed
 * inside the room's {@code compute} together with the membership, so the quota of PROTOCOL 13.6 is
 * exact too; the lock order is always the room, then the owner.
 */
@ApplicationScoped
public class RoomRegistry implements RoomCount {

    /** The caps a join honours (PROTOCOL 12 and 13.6). */
    public record Limits(int roomsPerConnection, int roomsTotal, int roomsPerUser) {
        /** Without a quota per user. */
        public Limits(int roomsPerConnection, int roomsTotal) {
            this(roomsPerConnection, roomsTotal, Integer.MAX_VALUE);
        }
    }

    /**
     * The outcome of a join or leave: whether membership changed, the member count after it, and for a
     * refused join, why.
     */
    public record Change(boolean changed, int members, RoomResult.Refusal refusal) {
        public Change(boolean changed, int members) {
            this(changed, members, null);
        }

        static Change refused(RoomResult.Refusal refusal) {
            return new Change(false, 0, refusal);
        }

        public boolean refused() {
            return refusal != null;
        }
    }

    private final Map<Integer, Set<Connection>> membersByRoom = new ConcurrentHashMap<>();
    /** Rooms with members plus rooms being created: the slots of the room cap. */
    private final AtomicInteger roomSlots = new AtomicInteger();
    private final OwnerRooms owners = new OwnerRooms();

    public Change join(int room, Connection connection, Limits limits) {
        Change[] change = new Change[1];
        if (!connection.unlessEnded(() -> change[0] = add(room, connection, limits))) {
            return Change.refused(RoomResult.Refusal.ENDED);
        }
        return change[0];
    }

    private Change add(int room, Connection connection, Limits limits) {
        Set<Integer> joined = connection.rooms();
        if (joined.size() >= limits.roomsPerConnection() && !joined.contains(room)) {
            return Change.refused(RoomResult.Refusal.ROOMS_PER_CONNECTION);
        }
        QuotaOwner owner = connection.owner();
        boolean[] added = new boolean[1];
        RoomResult.Refusal[] refusal = new RoomResult.Refusal[1];
        Set<Connection> members = membersByRoom.compute(room, (k, set) -> {
            if (set != null && set.contains(connection)) {
                return set; // a rejoin: nothing to count
            }
            if (!owners.enter(owner, room, limits.roomsPerUser())) {
                refusal[0] = RoomResult.Refusal.ROOMS_PER_USER;
                return set;
            }
            Set<Connection> current = set;
            if (current == null) {
                if (!takeRoomSlot(limits.roomsTotal())) {
                    owners.leave(owner, room);
                    refusal[0] = RoomResult.Refusal.ROOMS;
                    return null;
                }
                current = ConcurrentHashMap.newKeySet();
            }
            added[0] = current.add(connection);
            return current;
        });
        if (refusal[0] != null) {
            return Change.refused(refusal[0]);
        }
        joined.add(room);
        return new Change(added[0], members.size());
    }

    public Change leave(int room, Connection connection) {
        boolean[] removed = new boolean[1];
        int[] remaining = new int[1];
        membersByRoom.computeIfPresent(room, (k, set) -> {
            removed[0] = set.remove(connection);
            if (removed[0]) {
                owners.leave(connection.owner(), room);
            }
            remaining[0] = set.size();
            if (set.isEmpty()) {
                roomSlots.decrementAndGet();
                return null;
            }
            return set;
        });
        connection.rooms().remove(room);
        return new Change(removed[0], remaining[0]);
    }

    /**
     * Whether a connection could enter the room without passing the room cap: the room exists, or
     * there is a slot for one more. A hint for the handshake; the join itself decides.
     */
    public boolean hasRoomFor(int room, int maxRooms) {
        return membersByRoom.containsKey(room) || roomSlots.get() < maxRooms;
    }

    /**
     * Whether the owner could enter the room without passing its room quota (PROTOCOL 13.6): it holds
     * the room already, or fewer than the quota. A hint for the handshake; the join itself decides.
     */
    public boolean withinQuota(QuotaOwner owner, int room, int roomsPerUser) {
        return owners.mayEnter(owner, room, roomsPerUser);
    }

    /** How many distinct rooms the owner's connections are in on this instance. */
    public int roomsOf(QuotaOwner owner) {
        return owners.rooms(owner);
    }

    /** How many owners have connections in rooms (their entries are all the quota keeps). */
    int owners() {
        return owners.owners();
    }

    private boolean takeRoomSlot(int maxRooms) {
        int taken;
        do {
            taken = roomSlots.get();
            if (taken >= maxRooms) {
                return false;
            }
        } while (!roomSlots.compareAndSet(taken, taken + 1));
        return true;
    }

    /** A weakly consistent view of a room's members; empty for a room without members. */
    public Set<Connection> members(int room) {
        return membersByRoom.getOrDefault(room, Set.of());
    }

    public int memberCount(int room) {
        return members(room).size();
    }

    public boolean isMember(int room, Connection connection) {
        return members(room).contains(connection);
    }

    @Override
    public int roomCount() {
        return membersByRoom.size();
    }

    /** Member counts by room, in room order. */
    public Map<Integer, Integer> sizes() {
        Map<Integer, Integer> sizes = new TreeMap<>();
        membersByRoom.forEach((room, members) -> {
            int n = members.size();
            if (n > 0) {
                sizes.put(room, n);
            }
        });
        return sizes;
    }
}
