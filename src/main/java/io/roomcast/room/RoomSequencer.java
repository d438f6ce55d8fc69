package io.roomcast.room;

import io.roomcast.connection.Connection;
import io.roomcast.room.event.RoomEvent;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The order in which this instance delivers one room's messages: offset by offset, from the position
 * its first local member joined at. A message that arrives ahead of its turn (another instance's, or a
 * publisher thread that lost a race) waits here until the ones before it arrive or are fetched from the
 * stream. It exists while the room has members on this instance; every field is guarded by the object.
 */
final class RoomSequencer {

    /** A message waiting for its turn, and the connection that wants its ack (null for none). */
    record Pending(RoomEvent.Message message, Connection ackTo) {
    }

    final int room;
    /** The epoch of the stream being delivered, and the last offset delivered here. */
    String epoch;
    long delivered;
    boolean initialized;
    /** Removed from the map: a newer sequencer, if any, serves the room. */
    boolean dead;
    boolean gapCheckScheduled;
    final TreeMap<Long, Pending> pending = new TreeMap<>();
    /**
     * Members still being sent a recovery replay too large for their queue, each with the last offset
     * sent to it: live messages skip them until the replay reaches {@link #delivered}. Empty in the
     * usual case.
     */
    final Map<Connection, long[]> catchingUp = new IdentityHashMap<>();

    RoomSequencer(int room) {
        this.room = room;
    }

    boolean hasGap() {
        return !pending.isEmpty() && pending.firstKey() > delivered + 1;
    }
}
