package io.roomcast.room;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.observability.RoomcastMetrics;
import io.roomcast.protocol.FrameEncoder;
import io.roomcast.protocol.ServerFrames;
import io.roomcast.room.event.RoomEvent;
import io.roomcast.scheduling.ApplicationScheduler;
import io.roomcast.stream.Recovery;
import io.roomcast.stream.Slice;
import io.roomcast.stream.StreamPosition;
import io.roomcast.stream.StreamStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Rooms' streams as this instance's members see them (PROTOCOL 9): every positioned message is
 * delivered here in offset order, whichever instance published it, through the room's
 * {@link RoomSequencer}; a join takes effect between two offsets, under the same sequencer, so that a
 * recovering joiner gets exactly the messages after its {@code since} and then the live ones, with
 * nothing missing or twice across that seam.
 *
 * <p>The order is this class's job. A message that waits too long for its turn is the
 * {@link GapFiller}'s, a replay too large for the joiner's queue the {@link ReplayPacer}'s; both run in
 * the scheduler's lane {@code stream-gaps} (thread {@code roomcast-stream-gaps}).
 */
@ApplicationScoped
public class RoomSequencers implements EventSink {

    private static final Logger LOG = System.getLogger(RoomSequencers.class.getName());

    private final StreamStore store;
    private final LocalDelivery local;
    private final RoomRegistry registry;
    private final FrameEncoder encoder;
    private final Membership membership;
    private final Acks acks;
    private final Map<Integer, RoomSequencer> byRoom = new ConcurrentHashMap<>();
    private final ScheduledExecutorService gaps;
    private final GapFiller gapFiller;
    private final ReplayPacer pacer;
    private final RoomcastMetrics metrics;

    @Inject
    public RoomSequencers(StreamStore store, LocalDelivery local, RoomRegistry registry, FrameEncoder encoder,
                          RoomcastSettings settings, Membership membership, ApplicationScheduler scheduler,
                          RoomcastMetrics metrics) {
        this.store = store;
        this.local = local;
        this.registry = registry;
        this.encoder = encoder;
        this.membership = membership;
        this.acks = new Acks(encoder);
        this.gaps = store == null ? null : scheduler.lane("stream-gaps");
        this.gapFiller = new GapFiller(store, registry, gaps, byRoom.values());
        this.pacer = new ReplayPacer(store, registry, settings, encoder, gaps);
        this.metrics = metrics;
    }

    /** For the CDI client proxy only. */
    protected RoomSequencers() {
        this(null, null, null, null, null, null, null, null);
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
            acks.send(ackTo, message);
            return;
        }
        RoomSequencer sequencer = byRoom.get(message.room());
        if (sequencer == null) {
            acks.send(ackTo, message); // no member here: nothing to order
            return;
        }
        synchronized (sequencer) {
            if (sequencer.dead) {
                acks.send(ackTo, message);
                return;
            }
            accept(sequencer, message, ackTo);
        }
    }

    /**
     * The first publish's ack for a repeated idempotency key, under the ref the repeat was sent with: the
     * first publish may have had none (an HTTP publish with the same key). Its message is not delivered again.
     */
    public void ack(Connection ackTo, String ref, RoomEvent.Message message) {
        acks.send(ackTo, ref, message);
    }

    /**
     * Joins a room at a point of its stream (PROTOCOL 9.1): under the room's sequencer the membership
     * changes ({@link Membership#join}: the caps, presence), and a JSON member then gets its {@code joined}
     * reply and, with a {@code since} that can be honoured, the messages it missed, all before any live
     * message of the room. Chat members get no reply.
     */
    public RoomRegistry.Change join(RoomCommand.Join join) {
        int room = join.room();
        try {
            return joinAt(join.connection(), room, join.since());
        } catch (RuntimeException e) {
            // The stream could not be read (in a cluster: no majority, PROTOCOL 13.10): nobody joined, and a
            // sequencer made for this join must not stay behind collecting the room's messages.
            RoomSequencer sequencer = byRoom.get(room);
            if (sequencer != null) {
                synchronized (sequencer) {
                    retireIfEmpty(sequencer);
                }
            }
            throw e;
        }
    }

    private RoomRegistry.Change joinAt(Connection connection, int room, StreamPosition since) {
        boolean recovering = since != null && store.enabled();
        Slice missed = recovering ? store.read(room, since.offset(), Integer.MAX_VALUE, false) : null;
        for (int attempt = 0; ; attempt++) {
            RoomSequencer sequencer = sequencer(room);
            long behindUpTo = 0;
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
                if (recovering && missed != null && attempt < 3 && Objects.equals(missed.epoch(), sequencer.epoch)
                        && since.offset() > sequencer.delivered && since.offset() <= missed.latest()) {
                    // The joiner saw, on another instance, messages the stream has and this instance has not
                    // delivered yet (their notification still on its way): deliver them first, then judge.
                    behindUpTo = missed.latest();
                } else if (!recovering || missed != null) {
                    sequencer.live(connection); // a rejoin ends a replay still under way
                    RoomRegistry.Change change = membership.join(connection, room);
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
            if (behindUpTo > 0) {
                gapFiller.catchUpNow(sequencer, behindUpTo);
                continue;
            }
            missed = store.read(room, since.offset(), Integer.MAX_VALUE, false);
        }
    }

    /** A member of this instance left the room: the room's sequencer goes with its last local member. */
    public void left(int room) {
        RoomSequencer sequencer = byRoom.get(room);
        if (sequencer != null) {
            synchronized (sequencer) {
                sequencer.forgetUnless(member -> registry.isMember(room, member));
                retireIfEmpty(sequencer);
            }
        }
    }

    /**
     * Reads from the stream whatever this instance may have missed in every room it has members in:
     * after the cluster told us events were dropped on their way here. Does not wait for it.
     */
    @Override
    public void catchUp() {
        gapFiller.catchUp();
    }

    @Override
    public void catchUp(int room, long latest) {
        RoomSequencer sequencer = byRoom.get(room);
        if (sequencer != null) {
            gapFiller.catchUp(sequencer, latest);
        }
    }

    private RoomSequencer sequencer(int room) {
        return byRoom.computeIfAbsent(room, r -> new RoomSequencer(r, local, acks));
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
        sequencer.drain();
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
        sequencer.drain();
    }

    private void retireIfEmpty(RoomSequencer sequencer) {
        if (!sequencer.dead && registry.memberCount(sequencer.room) == 0) {
            sequencer.dead = true;
            byRoom.remove(sequencer.room, sequencer);
        }
    }

    /** Under the sequencer's lock. */
    private void accept(RoomSequencer sequencer, RoomEvent.Message message, Connection ackTo) {
        if (!sequencer.initialized) {
            sequencer.pending.put(message.offset(), new RoomSequencer.Pending(message, ackTo));
            return;
        }
        if (!message.epoch().equals(sequencer.epoch) && !newEpoch(sequencer, message)) {
            sequencer.ack(ackTo, message); // of an epoch this room has left behind
            return;
        }
        if (message.offset() <= sequencer.delivered) {
            sequencer.ack(ackTo, message); // delivered already (read from the stream while it was on its way)
            return;
        }
        if (message.offset() == sequencer.delivered + 1 && sequencer.pending.isEmpty()) {
            sequencer.emit(message, ackTo); // the usual case: in turn, nothing waiting
            return;
        }
        sequencer.pending.put(message.offset(), new RoomSequencer.Pending(message, ackTo));
        sequencer.drain();
        if (sequencer.hasGap()) {
            gapFiller.schedule(sequencer);
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
        if (recovery.recovered() && !pacer.fitsTheQueue(replay)) {
            reply(connection, new ServerFrames.Joined(room, members, sequencer.epoch, latest, true,
                    sequencer.delivered - since.offset()));
            metrics.recovered(sequencer.delivered - since.offset());
            pacer.start(sequencer, connection, since.offset());
            return;
        }
        if (!recovery.recovered()) {
            reply(connection, new ServerFrames.JoinedUnrecovered(room, members, sequencer.epoch, latest,
                    recovery.reason()));
            return;
        }
        reply(connection, new ServerFrames.Joined(room, members, sequencer.epoch, latest, true, replay.size()));
        metrics.recovered(replay.size());
        pacer.sendAtOnce(connection, replay);
    }

    private void reply(Connection connection, Record frame) {
        connection.sendText(encoder.encode(frame));
    }
}
