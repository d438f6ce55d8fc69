package io.roomcast.room;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.CloseReasons;
import io.roomcast.connection.Connection;
import io.roomcast.connection.OutboundFrame;
import io.roomcast.protocol.FrameEncoder;
import io.roomcast.protocol.MessageFrames;
import io.roomcast.room.event.RoomEvent;
import io.roomcast.stream.Slice;
import io.roomcast.stream.StreamStore;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends a recovering joiner the messages it missed (PROTOCOL 9.1) without overflowing its queue: a replay
 * that fills at most half the joiner's send queue goes at once; a larger one goes in steps, each topping
 * the queue up to half its bounds (frames and bytes) from the stream and coming back when the queue has
 * drained. The steps run on the sequencers' scheduled thread ({@link RoomSequencers} owns it); where the
 * replay is, is its {@link ReplayCursor}, kept in the room's sequencer.
 */
final class ReplayPacer {

    /** How soon a paced replay looks again at a queue still more than half full. */
    static final long PACE_MILLIS = 10;
    private static final Logger LOG = System.getLogger(ReplayPacer.class.getName());

    private final StreamStore store;
    private final RoomRegistry registry;
    private final RoomcastSettings settings;
    private final FrameEncoder encoder;
    private final ScheduledExecutorService gaps;

    ReplayPacer(StreamStore store, RoomRegistry registry, RoomcastSettings settings, FrameEncoder encoder,
                ScheduledExecutorService gaps) {
        this.store = store;
        this.registry = registry;
        this.settings = settings;
        this.encoder = encoder;
        this.gaps = gaps;
    }

    /**
     * Whether a replay can be queued at once: it fills at most half the joiner's send queue (frames
     * and bytes); a larger one is paced ({@link #start}).
     */
    boolean fitsTheQueue(List<RoomEvent.Message> replay) {
        if (replay.size() > settings.sendQueue() / 2) {
            return false;
        }
        long bytes = 0;
        for (RoomEvent.Message message : replay) {
            bytes += 3L * message.text().length() + 200;
        }
        return bytes <= settings.sendQueueBytes() / 2;
    }

    /** Under the sequencer's lock: a replay that fits, queued now, before any live message. */
    void sendAtOnce(Connection connection, List<RoomEvent.Message> replay) {
        for (RoomEvent.Message message : replay) {
            send(connection, message);
        }
    }

    /**
     * Under the sequencer's lock: a paced replay of what follows {@code since} starts; live messages skip
     * the member from now until the replay has caught up with them.
     */
    void start(RoomSequencer sequencer, Connection connection, long since) {
        ReplayCursor cursor = new ReplayCursor(since);
        sequencer.replays.put(connection, cursor);
        pace(sequencer, connection, cursor, 0);
    }

    /** The next step of a paced replay (see {@link #step}), after {@code delayMillis}. */
    private void pace(RoomSequencer sequencer, Connection connection, ReplayCursor cursor, long delayMillis) {
        gaps.schedule(() -> step(sequencer, connection, cursor), delayMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * One step: tops the queue up from the stream. Once the replay reaches the last offset delivered here,
     * under the sequencer's lock, the member is live from the next one: nothing twice, nothing missing. A
     * member that left or ended stops its replay; one whose next message the stream no longer keeps is
     * closed with 1013 and told so when it rejoins.
     */
    private void step(RoomSequencer sequencer, Connection connection, ReplayCursor mine) {
        long after;
        synchronized (sequencer) {
            if (sequencer.replays.get(connection) != mine || sequencer.dead) { // another replay, closing, or gone
                return;
            }
            if (!registry.isMember(sequencer.room, connection)) {
                sequencer.replays.remove(connection);
                return;
            }
            if (mine.reached(sequencer.delivered)) {
                sequencer.replays.remove(connection); // caught up: live from the next message
                return;
            }
            after = mine.sent();
        }
        int room = sequencer.room;
        int frameRoom = settings.sendQueue() / 2 - connection.queuedFrames();
        if (frameRoom <= 0 || connection.queuedBytes() >= settings.sendQueueBytes() / 2) {
            pace(sequencer, connection, mine, PACE_MILLIS);
            return;
        }
        Slice slice;
        try {
            slice = store.read(room, after, frameRoom, false);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "room {0}: reading a replay failed: {1}", room, e.toString());
            slice = null;
        }
        boolean lost;
        synchronized (sequencer) {
            if (sequencer.replays.get(connection) != mine || sequencer.dead) {
                return;
            }
            lost = slice == null || !Objects.equals(sequencer.epoch, slice.epoch()) || slice.messages().isEmpty()
                    || slice.messages().get(0).offset() != mine.sent() + 1;
            if (!lost) {
                for (RoomEvent.Message message : slice.messages()) {
                    if (message.offset() > sequencer.delivered
                            || connection.queuedBytes() >= settings.sendQueueBytes() / 2) {
                        break;
                    }
                    send(connection, message);
                    mine.sent(message.offset());
                }
                if (mine.reached(sequencer.delivered)) {
                    sequencer.replays.remove(connection);
                    return;
                }
            } else {
                sequencer.replays.remove(connection);
            }
        }
        if (lost) {
            LOG.log(Level.INFO, "room {0}: a recovery replay needs messages no longer kept; closing {1}", room,
                    connection);
            connection.close(CloseReasons.MISSED_MESSAGES);
        } else {
            pace(sequencer, connection, mine, 0);
        }
    }

    private void send(Connection connection, RoomEvent.Message message) {
        connection.send(new OutboundFrame.Text(encoder.encode(MessageFrames.of(message))));
    }
}
