package io.roomcast.room;

import io.roomcast.connection.CloseReasons;
import io.roomcast.connection.Connection;
import io.roomcast.room.event.RoomEvent;
import io.roomcast.stream.Slice;
import io.roomcast.stream.StreamStore;
import io.roomcast.stream.StreamUnavailableException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Fills the gaps of rooms' sequencers from their streams. A message that arrived out of turn waits; if
 * the ones before it have not arrived after {@link #GAP_WAIT_MILLIS}, they are read from the stream. When
 * the stream no longer keeps them, the room's members here are closed with 1013: they reconnect and
 * rejoin with {@code since}, and learn from {@code recovered} what they missed. Nothing is skipped
 * silently. The reads run on the sequencers' scheduled thread ({@link RoomSequencers} owns it), never
 * under a sequencer's lock.
 */
final class GapFiller {

    static final long GAP_WAIT_MILLIS = 200;
    private static final Logger LOG = System.getLogger(GapFiller.class.getName());

    private final StreamStore store;
    private final RoomRegistry registry;
    private final ScheduledExecutorService gaps;
    /** Every room's sequencer on this instance, for a catch-up: a live view. */
    private final Collection<RoomSequencer> everyRoom;

    GapFiller(StreamStore store, RoomRegistry registry, ScheduledExecutorService gaps,
              Collection<RoomSequencer> everyRoom) {
        this.store = store;
        this.registry = registry;
        this.gaps = gaps;
        this.everyRoom = everyRoom;
    }

    /**
     * Reads from the stream whatever this instance may have missed in every room it has members in:
     * after the cluster told us events were dropped on their way here. On the gap thread, so that the
     * cluster's event thread that calls it does not wait for the reads.
     */
    void catchUp() {
        try {
            gaps.execute(() -> {
                for (RoomSequencer sequencer : everyRoom) {
                    fetchMissing(sequencer, Long.MAX_VALUE);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "no catch-up: shutting down");
        }
    }

    /** Reads one room's messages up to {@code latest} that this instance has not delivered yet, on the gap thread. */
    void catchUp(RoomSequencer sequencer, long latest) {
        synchronized (sequencer) {
            if (sequencer.dead || sequencer.delivered >= latest) {
                return; // the usual case on the instance that published: delivered already
            }
        }
        try {
            gaps.execute(() -> fetchMissing(sequencer, latest));
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "no catch-up: shutting down");
        }
    }

    /**
     * Reads one room's messages up to {@code latest} that this instance has not delivered yet and delivers
     * them, on the caller's thread: for a join that must know them before it is answered. Not under the
     * sequencer's lock.
     */
    void catchUpNow(RoomSequencer sequencer, long latest) {
        fetchMissing(sequencer, latest);
    }

    /** Under the sequencer's lock: looks at its gap again after {@link #GAP_WAIT_MILLIS}, once at a time. */
    void schedule(RoomSequencer sequencer) {
        if (!sequencer.gapCheckScheduled) {
            sequencer.gapCheckScheduled = true;
            gaps.schedule(() -> {
                synchronized (sequencer) {
                    sequencer.gapCheckScheduled = false;
                    if (sequencer.dead || !sequencer.hasGap()) {
                        return;
                    }
                }
                fetchMissing(sequencer, 0);
            }, GAP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Reads what the sequencer lacks from the stream and delivers it in turn. {@code upTo} 0 fills the
     * gap before the first waiting message; {@link Long#MAX_VALUE} reads everything after the last
     * delivered. A gap the stream no longer covers closes the room's members here (see the class).
     */
    private void fetchMissing(RoomSequencer sequencer, long upTo) {
        long after;
        int limit;
        synchronized (sequencer) {
            if (sequencer.dead || !sequencer.initialized || !store.enabled()) {
                return;
            }
            after = sequencer.delivered;
            long until = upTo == 0 ? (sequencer.pending.isEmpty() ? after : sequencer.pending.firstKey() - 1) : upTo;
            limit = (int) Math.min(Integer.MAX_VALUE, until - after);
        }
        if (limit <= 0) {
            return;
        }
        Slice slice;
        try {
            slice = store.read(sequencer.room, after, limit, false);
        } catch (StreamUnavailableException e) {
            // No majority of the cluster (PROTOCOL 13.10): what is missing is not lost, only out of reach
            // for now; a gap is looked at again, and a catch-up comes with the next snapshot.
            LOG.log(Level.DEBUG, "room {0}: missed messages out of reach for now: {1}", sequencer.room, e.getMessage());
            synchronized (sequencer) {
                if (!sequencer.dead && sequencer.hasGap()) {
                    schedule(sequencer);
                }
            }
            return;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "room {0}: reading missed messages failed: {1}", sequencer.room, e.toString());
            lost(sequencer);
            return;
        }
        synchronized (sequencer) {
            if (sequencer.dead || !Objects.equals(slice.epoch(), sequencer.epoch)) {
                return;
            }
            for (RoomEvent.Message message : slice.messages()) {
                if (message.offset() == sequencer.delivered + 1) {
                    RoomSequencer.Pending waiting = sequencer.pending.remove(message.offset());
                    sequencer.emit(message, waiting == null ? null : waiting.ackTo());
                }
            }
            sequencer.drain();
            if (!sequencer.hasGap()) {
                return;
            }
            // Lost only if the read covered the first missing offset and did not have it; a gap past
            // what was read is newer (messages arrived out of turn meanwhile): give it its own wait.
            long covered = Math.min(after + limit, slice.latest());
            if (sequencer.delivered >= covered) {
                schedule(sequencer);
                return;
            }
        }
        lost(sequencer);
    }

    /**
     * Messages this instance never got are no longer kept: deliver what follows the gap, and close the
     * room's members here with 1013 so that each rejoins with {@code since} and is told.
     */
    private void lost(RoomSequencer sequencer) {
        List<Connection> members;
        synchronized (sequencer) {
            if (sequencer.dead || sequencer.pending.isEmpty()) {
                return;
            }
            LOG.log(Level.WARNING, "room {0}: messages {1}..{2} of epoch {3} are no longer kept; closing the room''s "
                    + "members here so that they rejoin with since", sequencer.room, sequencer.delivered + 1,
                    sequencer.pending.firstKey() - 1, sequencer.epoch);
            members = List.copyOf(registry.members(sequencer.room));
            // Nobody here receives what follows the gap: the members are closed, and a message past the
            // gap queued before their close would make them rejoin past it. The waiting messages are in
            // the stream (their senders get their acks); new members start after them.
            for (RoomSequencer.Pending waiting : sequencer.pending.values()) {
                sequencer.ack(waiting.ackTo(), waiting.message());
            }
            sequencer.delivered = sequencer.pending.lastKey();
            sequencer.pending.clear();
            for (Connection member : members) {
                sequencer.replays.remove(member); // its pacer stops: the member is closed
                sequencer.closing.add(member);
            }
        }
        for (Connection member : members) {
            member.close(CloseReasons.MISSED_MESSAGES);
        }
    }
}
