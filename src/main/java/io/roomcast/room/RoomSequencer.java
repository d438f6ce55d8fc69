package io.roomcast.room;

import io.roomcast.connection.Connection;
import io.roomcast.room.event.RoomEvent;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The order in which this instance delivers one room's messages: offset by offset, from the position
 * its first local member joined at. A message that arrives ahead of its turn (another instance's, or a
 * publisher thread that lost a race) waits here until the ones before it arrive or are fetched from the
 * stream ({@link GapFiller}). It exists while the room has members on this instance; every field is
 * guarded by the object, and every method runs under that lock.
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
     * Members still being sent a recovery replay too large for their queue ({@link ReplayPacer}), each with
     * its cursor: live messages skip them until the replay reaches {@link #delivered}. Empty in the usual case.
     */
    final Map<Connection, ReplayCursor> replays = new IdentityHashMap<>();
    /**
     * Members being closed because messages they need are no longer kept ({@link GapFiller}): they receive
     * nothing more, or a message past the gap could make them rejoin past it. Empty in the usual case.
     */
    final Set<Connection> closing = Collections.newSetFromMap(new IdentityHashMap<>());

    private final LocalDelivery local;
    private final Acks acks;

    RoomSequencer(int room, LocalDelivery local, Acks acks) {
        this.room = room;
        this.local = local;
        this.acks = acks;
    }

    boolean hasGap() {
        return !pending.isEmpty() && pending.firstKey() > delivered + 1;
    }

    /** Delivers waiting messages while the next one in turn is there. */
    void drain() {
        while (!pending.isEmpty()) {
            Map.Entry<Long, Pending> first = pending.firstEntry();
            if (first.getKey() <= delivered) {
                pending.pollFirstEntry();
                ack(first.getValue().ackTo(), first.getValue().message());
            } else if (first.getKey() == delivered + 1) {
                pending.pollFirstEntry();
                emit(first.getValue().message(), first.getValue().ackTo());
            } else {
                return;
            }
        }
    }

    /** The message in turn goes to the room's members here (but those skipped), then its ack to its sender. */
    void emit(RoomEvent.Message message, Connection ackTo) {
        local.message(message, skipped());
        delivered = message.offset();
        ack(ackTo, message);
    }

    void ack(Connection ackTo, RoomEvent.Message message) {
        acks.send(ackTo, message);
    }

    /** A (re)joining member is live again: a replay still under way for it ends, and so does a close for a gap. */
    void live(Connection member) {
        replays.remove(member);
        closing.remove(member);
    }

    /** Members no longer in the room are skipped no more: they are not delivered to anyway. */
    void forgetUnless(Predicate<Connection> member) {
        if (!replays.isEmpty()) {
            replays.keySet().removeIf(member.negate());
        }
        if (!closing.isEmpty()) {
            closing.removeIf(member.negate());
        }
    }

    /** The members live messages skip: those being replayed to, and those being closed. */
    private Set<Connection> skipped() {
        if (closing.isEmpty()) {
            return replays.keySet();
        }
        if (replays.isEmpty()) {
            return closing;
        }
        Set<Connection> both = Collections.newSetFromMap(new IdentityHashMap<>());
        both.addAll(replays.keySet());
        both.addAll(closing);
        return both;
    }
}
