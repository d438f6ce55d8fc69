package io.roomcast.room;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.CloseReasons;
import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.OutboundFrame;
import io.roomcast.protocol.FrameEncoder;
import io.roomcast.protocol.MessageFrames;
import io.roomcast.protocol.ServerFrames;
import io.roomcast.room.event.RoomEvent;
import io.roomcast.stream.History;
import io.roomcast.stream.Recovery;
import io.roomcast.stream.Slice;
import io.roomcast.stream.StreamPosition;
import io.roomcast.stream.StreamStore;
import io.roomcast.stream.StreamUnavailableException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Rooms' streams as this instance's members see them (PROTOCOL 9): every positioned message is
 * delivered here in offset order, whichever instance published it, through the room's
 * {@link RoomSequencer}; a join takes effect between two offsets, under the same sequencer, so that a
 * recovering joiner gets exactly the messages after its {@code since} and then the live ones, with
 * nothing missing or twice across that seam.
 *
 * <p>A message that arrives out of turn waits; if the ones before it have not arrived after
 * {@link #GAP_WAIT_MILLIS}, they are read from the stream. When the stream no longer keeps them, the
 * room's members here are closed with 1013: they reconnect and rejoin with {@code since}, and learn
 * from {@code recovered} what they missed. Nothing is skipped silently.
 */
@ApplicationScoped
public class RoomStreams implements EventSink {

    static final long GAP_WAIT_MILLIS = 200;
    /** Marks a member being closed for a gap: it receives nothing more (see {@link #lost}). */
    private static final long[] CLOSING = {Long.MIN_VALUE};
    /** How soon a paced replay looks again at a queue still more than half full. */
    static final long PACE_MILLIS = 10;
    private static final Logger LOG = System.getLogger(RoomStreams.class.getName());

    private final StreamStore store;
    private final LocalDelivery local;
    private final RoomRegistry rooms;
    private final FrameEncoder encoder;
    private final RoomcastSettings settings;
    private final Map<Integer, RoomSequencer> sequencers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService gaps;

    @Inject
    public RoomStreams(StreamStore store, LocalDelivery local, RoomRegistry rooms, FrameEncoder encoder,
                       RoomcastSettings settings) {
        this.store = store;
        this.local = local;
        this.rooms = rooms;
        this.encoder = encoder;
        this.settings = settings;
        this.gaps = store == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "roomcast-stream-gaps");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** For the CDI client proxy only. */
    protected RoomStreams() {
        this(null, null, null, null, null);
    }

    @PreDestroy
    void stop() {
        gaps.shutdownNow();
    }

    /** Other instances' events: positioned messages take their turn; the rest are delivered as they come. */
    @Override
    public void deliver(RoomEvent event) {
        if (event instanceof RoomEvent.Message m && m.positioned()) {
            deliver(m, null);
        } else {
            local.deliver(event);
        }
    }

    /**
     * A message of this instance or another, in its turn; {@code ackTo} gets the {@code ack} right after
     * the message was queued for the room's members, so after its own copy.
     */
    public void deliver(RoomEvent.Message message, Connection ackTo) {
        if (!message.positioned()) {
            local.deliver(message);
            ack(ackTo, message);
            return;
        }
        RoomSequencer sequencer = sequencers.get(message.room());
        if (sequencer == null) {
            ack(ackTo, message); // no member here: nothing to order
            return;
        }
        synchronized (sequencer) {
            if (sequencer.dead) {
                ack(ackTo, message);
                return;
            }
            accept(sequencer, message, ackTo);
        }
    }

    /** The ack of a message that went out, under its own ref. */
    public void ack(Connection ackTo, RoomEvent.Message message) {
        ack(ackTo, message.ref(), message);
    }

    /**
     * The first publish's ack for a repeated idempotency key, under the ref the repeat was sent with: the
     * first publish may have had none (an HTTP publish with the same key). Its message is not delivered again.
     */
    public void ack(Connection ackTo, String ref, RoomEvent.Message message) {
        if (ackTo != null && ref != null) {
            ackTo.sendText(encoder.encode(MessageFrames.ack(ref, message)));
        }
    }

    /**
     * Joins a room at a point of its stream (PROTOCOL 9.1): {@code joining} changes the membership, and
     * a JSON member then gets its {@code joined} reply and, with a {@code since} that can be honoured,
     * the messages it missed, all before any live message of the room. {@code since} is null for a join
     * without one; chat members get no reply.
     */
    public RoomRegistry.Change join(Connection connection, int room, StreamPosition since,
                                    Supplier<RoomRegistry.Change> joining) {
        try {
            return joinAt(connection, room, since, joining);
        } catch (RuntimeException e) {
            // The stream could not be read (in a cluster: no majority, PROTOCOL 13.10): nobody joined, and a
            // sequencer made for this join must not stay behind collecting the room's messages.
            RoomSequencer sequencer = sequencers.get(room);
            if (sequencer != null) {
                synchronized (sequencer) {
                    retireIfEmpty(sequencer);
                }
            }
            throw e;
        }
    }

    private RoomRegistry.Change joinAt(Connection connection, int room, StreamPosition since,
                                       Supplier<RoomRegistry.Change> joining) {
        boolean recovering = since != null && store.enabled();
        Slice missed = recovering ? store.read(room, since.offset(), Integer.MAX_VALUE, false) : null;
        for (int attempt = 0; ; attempt++) {
            RoomSequencer sequencer = sequencer(room);
            synchronized (sequencer) {
                if (sequencer.dead) {
                    continue;
                }
                initialize(sequencer);
                if (recovering && sequencer.epoch != null && (missed.latest() < sequencer.delivered
                        || !Objects.equals(missed.epoch(), sequencer.epoch))) {
                    if (attempt < 3) {
                        missed = null; // delivered past what was read, or another stream: read again, outside the lock
                    } else {
                        missed = store.read(room, since.offset(), Integer.MAX_VALUE, false);
                    }
                }
                if (!recovering || missed != null) {
                    sequencer.catchingUp.remove(connection); // a rejoin ends a replay still under way
                    RoomRegistry.Change change = joining.get();
                    if (change.refused()) {
                        retireIfEmpty(sequencer); // and no stream was created for it (PROTOCOL 13.3)
                        return change;
                    }
                    open(sequencer);
                    if (connection.kind() != ConnectionKind.CHAT) {
                        joined(connection, room, change.members(), sequencer, since, missed);
                    }
                    return change;
                }
            }
            missed = store.read(room, since.offset(), Integer.MAX_VALUE, false);
        }
    }

    /**
     * The {@code history} frame's JSON (PROTOCOL 9.2): a page of the room's stream, within
     * {@code roomcast.history.answer-bytes} (13.1); a room without a stream answers no epoch, offset 0
     * and creates none (13.3).
     */
    public String historyFrame(int room, StreamPosition since, int limit, String ref) {
        return history(room, since, limit,
                (epoch, offset, complete) -> new ServerFrames.History(room, epoch, offset, List.of(), complete, ref));
    }

    /** The same page as {@code GET /api/rooms/{roomId}/history} answers it (without {@code type} and {@code ref}). */
    public String historyPage(int room, StreamPosition since, int limit) {
        return history(room, since, limit,
                (epoch, offset, complete) -> new ServerFrames.HistoryPage(room, epoch, offset, List.of(), complete));
    }

    private String history(int room, StreamPosition since, int limit, HistoryAnswer.Envelope envelope) {
        HistoryAnswer answer = new HistoryAnswer(encoder, settings.historyAnswerBytes(), envelope);
        History page = History.of(store, room, since, limit, answer);
        return answer.json(page, store.enabled() ? page.latest() : null); // streams off: offset null (docs section 8)
    }

    /** A member of this instance left the room: the room's sequencer goes with its last local member. */
    public void left(int room) {
        RoomSequencer sequencer = sequencers.get(room);
        if (sequencer != null) {
            synchronized (sequencer) {
                if (!sequencer.catchingUp.isEmpty()) {
                    sequencer.catchingUp.keySet().removeIf(member -> !rooms.isMember(room, member));
                }
                retireIfEmpty(sequencer);
            }
        }
    }

    /**
     * Reads from the stream whatever this instance may have missed in every room it has members in:
     * after the cluster told us events were dropped on their way here. On the gap thread, so that the
     * cluster's event thread that calls it does not wait for the reads.
     */
    @Override
    public void catchUp() {
        try {
            gaps.execute(() -> {
                for (RoomSequencer sequencer : sequencers.values()) {
                    fetchMissing(sequencer, Long.MAX_VALUE);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "no catch-up: shutting down");
        }
    }

    private RoomSequencer sequencer(int room) {
        return sequencers.computeIfAbsent(room, RoomSequencer::new);
    }

    /**
     * Under the sequencer's lock, after a successful join: the room's stream starts now if it has none
     * (a join is, with a publish, what creates one: PROTOCOL 13.3). Messages published meanwhile are
     * in the stream the join opened: the joiner's live messages follow its latest offset.
     */
    private void open(RoomSequencer sequencer) {
        if (sequencer.epoch != null || !store.enabled()) {
            return;
        }
        Slice head = store.open(sequencer.room);
        sequencer.epoch = head.epoch();
        sequencer.delivered = Math.max(sequencer.delivered, head.latest());
        drain(sequencer);
    }

    /**
     * Under the sequencer's lock: a new sequencer starts after the stream's latest offset. Reading the
     * head creates no stream: a room that has none gets it from the join that succeeds ({@link #open}).
     */
    private void initialize(RoomSequencer sequencer) {
        if (sequencer.initialized) {
            return;
        }
        if (store.enabled()) {
            Slice head = store.head(sequencer.room);
            sequencer.epoch = head.epoch();
            sequencer.delivered = head.latest();
        }
        sequencer.initialized = true;
        drain(sequencer);
    }

    private void retireIfEmpty(RoomSequencer sequencer) {
        if (!sequencer.dead && rooms.memberCount(sequencer.room) == 0) {
            sequencer.dead = true;
            sequencers.remove(sequencer.room, sequencer);
        }
    }

    /** Under the sequencer's lock. */
    private void accept(RoomSequencer sequencer, RoomEvent.Message message, Connection ackTo) {
        if (!sequencer.initialized) {
            sequencer.pending.put(message.offset(), new RoomSequencer.Pending(message, ackTo));
            return;
        }
        if (!message.epoch().equals(sequencer.epoch) && !newEpoch(sequencer, message)) {
            ack(ackTo, message); // of an epoch this room has left behind
            return;
        }
        if (message.offset() <= sequencer.delivered) {
            ack(ackTo, message); // delivered already (read from the stream while it was on its way)
            return;
        }
        if (message.offset() == sequencer.delivered + 1 && sequencer.pending.isEmpty()) {
            emit(sequencer, message, ackTo); // the usual case: in turn, nothing waiting
            return;
        }
        sequencer.pending.put(message.offset(), new RoomSequencer.Pending(message, ackTo));
        drain(sequencer);
        if (sequencer.hasGap()) {
            scheduleGapCheck(sequencer);
        }
    }

    /**
     * A message of another epoch: the stream was lost and started anew (every copy of it, in a cluster).
     * The stream itself says which epoch is current; a straggler of the old one is dropped.
     */
    private boolean newEpoch(RoomSequencer sequencer, RoomEvent.Message message) {
        Slice head = store.head(sequencer.room);
        if (!message.epoch().equals(head.epoch())) {
            return false;
        }
        LOG.log(Level.INFO, "room {0}: stream epoch {1} replaced by {2}", sequencer.room, sequencer.epoch, head.epoch());
        sequencer.epoch = head.epoch();
        sequencer.delivered = 0;
        sequencer.pending.clear();
        return true;
    }

    /** Delivers waiting messages while the next one in turn is there. Under the sequencer's lock. */
    private void drain(RoomSequencer sequencer) {
        while (!sequencer.pending.isEmpty()) {
            Map.Entry<Long, RoomSequencer.Pending> first = sequencer.pending.firstEntry();
            if (first.getKey() <= sequencer.delivered) {
                sequencer.pending.pollFirstEntry();
                ack(first.getValue().ackTo(), first.getValue().message());
            } else if (first.getKey() == sequencer.delivered + 1) {
                sequencer.pending.pollFirstEntry();
                emit(sequencer, first.getValue().message(), first.getValue().ackTo());
            } else {
                return;
            }
        }
    }

    private void emit(RoomSequencer sequencer, RoomEvent.Message message, Connection ackTo) {
        local.message(message, sequencer.catchingUp.keySet());
        sequencer.delivered = message.offset();
        ack(ackTo, message);
    }

    private void scheduleGapCheck(RoomSequencer sequencer) {
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
                    scheduleGapCheck(sequencer);
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
                    emit(sequencer, message, waiting == null ? null : waiting.ackTo());
                }
            }
            drain(sequencer);
            if (!sequencer.hasGap()) {
                return;
            }
            // Lost only if the read covered the first missing offset and did not have it; a gap past
            // what was read is newer (messages arrived out of turn meanwhile): give it its own wait.
            long covered = Math.min(after + limit, slice.latest());
            if (sequencer.delivered >= covered) {
                scheduleGapCheck(sequencer);
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
            members = List.copyOf(rooms.members(sequencer.room));
            // Nobody here receives what follows the gap: the members are closed, and a message past the
            // gap queued before their close would make them rejoin past it. The waiting messages are in
            // the stream (their senders get their acks); new members start after them.
            for (RoomSequencer.Pending waiting : sequencer.pending.values()) {
                ack(waiting.ackTo(), waiting.message());
            }
            sequencer.delivered = sequencer.pending.lastKey();
            sequencer.pending.clear();
            for (Connection member : members) {
                sequencer.catchingUp.put(member, CLOSING);
            }
        }
        for (Connection member : members) {
            member.close(CloseReasons.MISSED_MESSAGES);
        }
    }

    /** The joined reply, then the missed messages; under the sequencer's lock, so before any live message. */
    private void joined(Connection connection, int room, int members, RoomSequencer sequencer, StreamPosition since,
                        Slice missed) {
        if (!store.enabled()) {
            reply(connection, since == null ? new ServerFrames.Joined(room, members, null, null, false, 0)
                    : new ServerFrames.JoinedUnrecovered(room, members, null, null, Recovery.DISABLED));
            return;
        }
        Long latest = sequencer.delivered;
        if (since == null) {
            reply(connection, new ServerFrames.Joined(room, members, sequencer.epoch, latest, false, 0));
            return;
        }
        long oldest = Objects.equals(missed.epoch(), sequencer.epoch) ? missed.oldest() : 1;
        Recovery recovery = Recovery.decide(true, since, sequencer.epoch, sequencer.delivered, oldest);
        List<RoomEvent.Message> replay = recovery.recovered()
                ? missed.messages().stream().filter(m -> m.offset() <= sequencer.delivered).toList() : List.of();
        if (recovery.recovered() && !fitsTheQueue(replay)) {
            reply(connection, new ServerFrames.Joined(room, members, sequencer.epoch, latest, true,
                    sequencer.delivered - since.offset()));
            long[] entry = {since.offset()};
            sequencer.catchingUp.put(connection, entry);
            pace(sequencer, connection, entry, 0);
            return;
        }
        if (!recovery.recovered()) {
            reply(connection, new ServerFrames.JoinedUnrecovered(room, members, sequencer.epoch, latest,
                    recovery.reason()));
            return;
        }
        reply(connection, new ServerFrames.Joined(room, members, sequencer.epoch, latest, true, replay.size()));
        for (RoomEvent.Message message : replay) {
            connection.send(new OutboundFrame.Text(encoder.encode(MessageFrames.of(message))));
        }
    }

    /**
     * The next step of a paced replay (see {@link #paceStep}), after {@code delayMillis}.
     */
    private void pace(RoomSequencer sequencer, Connection connection, long[] entry, long delayMillis) {
        gaps.schedule(() -> paceStep(sequencer, connection, entry), delayMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * A replay too large for the joiner's queue is sent in steps: each tops the queue up to half its
     * bounds (frames and bytes) from the stream, and comes back when the queue has drained. Live
     * messages skip the member meanwhile; once the replay reaches the last offset delivered here, under
     * the sequencer's lock, the member is live from the next one: nothing twice, nothing missing. A
     * member that left or ended stops its replay; one whose next message the stream no longer keeps is
     * closed with 1013 and told so when it rejoins.
     */
    private void paceStep(RoomSequencer sequencer, Connection connection, long[] mine) {
        long after;
        synchronized (sequencer) {
            long[] sent = sequencer.catchingUp.get(connection);
            if (sent != mine || sequencer.dead) { // replaced by a rejoin's replay, closing, or gone
                return;
            }
            if (!rooms.isMember(sequencer.room, connection)) {
                sequencer.catchingUp.remove(connection);
                return;
            }
            if (sent[0] >= sequencer.delivered) {
                sequencer.catchingUp.remove(connection); // caught up: live from the next message
                return;
            }
            after = sent[0];
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
            long[] sent = sequencer.catchingUp.get(connection);
            if (sent != mine || sequencer.dead) {
                return;
            }
            lost = slice == null || !Objects.equals(sequencer.epoch, slice.epoch()) || slice.messages().isEmpty()
                    || slice.messages().get(0).offset() != sent[0] + 1;
            if (!lost) {
                for (RoomEvent.Message message : slice.messages()) {
                    if (message.offset() > sequencer.delivered
                            || connection.queuedBytes() >= settings.sendQueueBytes() / 2) {
                        break;
                    }
                    connection.send(new OutboundFrame.Text(encoder.encode(MessageFrames.of(message))));
                    sent[0] = message.offset();
                }
                if (sent[0] >= sequencer.delivered) {
                    sequencer.catchingUp.remove(connection);
                    return;
                }
            } else {
                sequencer.catchingUp.remove(connection);
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

    /**
     * Whether a replay can be queued at once: it fills at most half the joiner's send queue (frames
     * and bytes); a larger one is paced (see {@link #paceStep}).
     */
    private boolean fitsTheQueue(List<RoomEvent.Message> replay) {
        if (replay.size() > settings.sendQueue() / 2) {
            return false;
        }
        long bytes = 0;
        for (RoomEvent.Message message : replay) {
            bytes += 3L * message.text().length() + 200;
        }
        return bytes <= settings.sendQueueBytes() / 2;
    }

    private void reply(Connection connection, Record frame) {
        connection.sendText(encoder.encode(frame));
    }
}
