package io.roomcast.room;

import io.roomcast.connection.QuotaOwner;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The distinct rooms each owner's connections are in on this instance, for the room quota of PROTOCOL
 * 13.6: a room counts once however many of the owner's connections are in it, and stops counting when
 * the last of them leaves. Every change to an owner's rooms runs inside {@link ConcurrentHashMap#compute}
 * on that owner, so concurrent joins can never take the owner past the quota, and an owner without
 * rooms has no entry.
 */
final class OwnerRooms {

    /** Per owner: room -> how many of the owner's connections are in it. Read and changed only under compute. */
    private final ConcurrentMap<QuotaOwner, Map<Integer, Integer>> held = new ConcurrentHashMap<>();

    /**
     * Counts one more of the owner's connections in the room. False, counting nothing, when the room
     * would be new to the owner and the owner already holds {@code quota} rooms.
     */
    boolean enter(QuotaOwner owner, int room, int quota) {
        boolean[] entered = new boolean[1];
        held.compute(owner, (k, rooms) -> {
            Map<Integer, Integer> current = rooms == null ? new HashMap<>() : rooms;
            Integer inRoom = current.get(room);
            if (inRoom != null || current.size() < quota) {
                current.put(room, inRoom == null ? 1 : inRoom + 1);
                entered[0] = true;
            }
            return current.isEmpty() ? null : current;
        });
        return entered[0];
    }

    /** One of the owner's connections left the room (it had entered it). */
    void leave(QuotaOwner owner, int room) {
        held.computeIfPresent(owner, (k, rooms) -> {
            rooms.computeIfPresent(room, (r, inRoom) -> inRoom == 1 ? null : inRoom - 1);
            return rooms.isEmpty() ? null : rooms;
        });
    }

    /** Whether the owner could enter the room now: it holds it already, or holds fewer than {@code quota} rooms. */
    boolean mayEnter(QuotaOwner owner, int room, int quota) {
        boolean[] may = {true};
        held.computeIfPresent(owner, (k, rooms) -> {
            may[0] = rooms.containsKey(room) || rooms.size() < quota;
            return rooms;
        });
        return may[0];
    }

    /** How many distinct rooms the owner holds. */
    int rooms(QuotaOwner owner) {
        int[] count = new int[1];
        held.computeIfPresent(owner, (k, rooms) -> {
            count[0] = rooms.size();
            return rooms;
        });
        return count[0];
    }

    /** How many owners hold rooms. */
    int owners() {
        return held.size();
    }
}
