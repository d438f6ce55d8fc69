package io.roomcast.room;

import io.roomcast.connection.Connection;
import io.roomcast.connection.Ids;
import io.roomcast.room.event.RoomEvent;
import io.roomcast.stream.Appended;
import io.roomcast.stream.StreamStore;
import io.roomcast.stream.StreamUnavailableException;
import io.roomcast.tracing.Span;
import io.roomcast.tracing.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The room feature's one entry point: whatever the endpoints, the session layer and the HTTP API ask of
 * rooms (and of direct messages) comes in here as a {@link RoomCommand} and goes out as a
 * {@link RoomResult}. Read this class for what happens when someone joins or publishes; each step is a
 * class of this package.
 *
 * <p>A join changes the membership under its room's sequencer ({@link RoomSequencers}), so that it falls
 * between two offsets of the room's stream. A publish puts the message into the room's stream (its epoch
 * and offset, once, whichever instance received it), delivers it to this instance's members in offset
 * order, then replicates it to the other instances. Everything else (presence, binary relays, direct
 * messages) is delivered here at once and replicated in order ({@link Broadcast}).
 */
@ApplicationScoped
public class Rooms {

    private final Membership membership;
    private final RoomSequencers sequencers;
    private final StreamStore store;
    private final Replication replication;
    private final Broadcast broadcast;
    private final DirectService direct;
    private final RoomHistory history;
    private final Ids ids;
    private final Tracer tracer;

    /** The span of a publish: its append, its delivery here with the ack, its replication (docs/DEPLOYMENT.md, "Tracing"). */
    static final String PUBLISH_SPAN = "roomcast.publish";
    static final String OFFSET = "roomcast.offset";

    @Inject
    public Rooms(Membership membership, RoomSequencers sequencers, StreamStore store, Replication replication,
                 Broadcast broadcast, DirectService direct, RoomHistory history, Ids ids, Tracer tracer) {
        this.membership = membership;
        this.sequencers = sequencers;
        this.store = store;
        this.replication = replication;
        this.broadcast = broadcast;
        this.direct = direct;
        this.history = history;
        this.ids = ids;
        this.tracer = tracer;
    }

    /** Untraced. */
    public Rooms(Membership membership, RoomSequencers sequencers, StreamStore store, Replication replication,
                 Broadcast broadcast, DirectService direct, RoomHistory history, Ids ids) {
        this(membership, sequencers, store, replication, broadcast, direct, history, ids, Tracer.OFF);
    }

    /** For the CDI client proxy only. */
    protected Rooms() {
        this(null, null, null, null, null, null, null, null, Tracer.OFF);
    }

    /**
     * Joins a room within the room caps (PROTOCOL 12) and the user's room quota (13.6); presence goes out
     * only when membership changed. A JSON member is answered in the room's turn (see {@link RoomResult.Joined});
     * a refusal is the caller's to answer.
     *
     * @throws StreamUnavailableException no majority of the cluster (PROTOCOL 13.10): nobody joined
     */
    public RoomResult.JoinOutcome join(RoomCommand.Join join) {
        RoomRegistry.Change change = sequencers.join(join);
        return change.refused() ? new RoomResult.Refused(join.room(), change.refusal())
                : new RoomResult.Joined(join.room(), change.members());
    }

    /** Leaves a room, with presence; the room's sequencer goes with its last member here. */
    public RoomResult.Left leave(RoomCommand.Leave leave) {
        return new RoomResult.Left(leave.room(), leave(leave.connection(), leave.room()));
    }

    /**
     * Publishes a text message: the room's stream places it (or, for a repeated idempotency key, answers
     * the first publish, whose message nobody receives again: the repeat's sender gets the first one's ack
     * under its own ref), this instance's members get it in offset order, the publisher its ack after its
     * own copy, then the other instances get it.
     *
     * @throws StreamUnavailableException no majority of the cluster (PROTOCOL 13.10): nothing was published
     */
    public RoomResult.Published publish(RoomCommand.Publish publish) {
        Span span = tracer.start(PUBLISH_SPAN, Tracer.Kind.PRODUCER, publish.traceparent(), publish.room());
        try {
            RoomEvent.Message message = message(publish, span);
            return published(publish, store.append(message, publish.dedupKey()), span);
        } catch (RuntimeException e) {
            span.failed(e);
            throw e;
        } finally {
            span.end();
        }
    }

    /**
     * {@link #publish} without waiting for the store: for a publisher on a server's I/O thread. The
     * delivery and the ack follow the store's answer, on the thread that gives it; a refusal completes
     * the stage with {@link StreamUnavailableException}.
     */
    public CompletionStage<RoomResult.Published> publishAsync(RoomCommand.Publish publish) {
        Span span = tracer.start(PUBLISH_SPAN, Tracer.Kind.PRODUCER, publish.traceparent(), publish.room());
        RoomEvent.Message message = message(publish, span);
        CompletionStage<RoomResult.Published> published = store.appendAsync(message, publish.dedupKey())
                .thenApply(appended -> published(publish, appended, span));
        if (span == Span.NONE) {
            return published;
        }
        return published.whenComplete((done, failure) -> {
            if (failure != null) {
                span.failed(failure);
            }
            span.end();
        });
    }

    /** The message, carrying its publish span's trace context (none when untraced). */
    private RoomEvent.Message message(RoomCommand.Publish publish, Span span) {
        return new RoomEvent.Message(publish.room(), ids.messageId(), publish.from(), publish.text(), publish.ref(),
                System.currentTimeMillis(), null, 0, span.traceparent());
    }

    private RoomResult.Published published(RoomCommand.Publish publish, Appended appended, Span span) {
        RoomEvent.Message placed = appended.message();
        span.attribute(OFFSET, placed.offset());
        if (appended.duplicate()) {
            sequencers.ack(publish.ackTo(), publish.ref(), placed);
            return RoomResult.Published.of(placed);
        }
        sequencers.deliver(placed, publish.ackTo());
        replication.replicate(placed);
        return RoomResult.Published.of(placed);
    }

    /** Relays a binary frame, unchanged, to every chat member of the room, the sender included. */
    public void relay(RoomCommand.Relay relay) {
        ByteBuffer bytes = relay.bytes();
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        broadcast.publish(new RoomEvent.Binary(relay.room(), copy));
    }

    /**
     * The {@code history} frame (PROTOCOL 9.2). Who may read it (members only, 13.4) is the caller's to check.
     *
     * @throws StreamUnavailableException no majority of the cluster (PROTOCOL 13.10)
     */
    public RoomResult.Answer history(RoomCommand.History query) {
        return new RoomResult.Answer(history.frame(query.room(), query.since(), query.limit(), query.ref()));
    }

    /**
     * The page {@code GET /api/rooms/{roomId}/history} answers.
     *
     * @throws StreamUnavailableException no majority of the cluster (PROTOCOL 13.10)
     */
    public RoomResult.Answer history(RoomCommand.HistoryPage query) {
        return new RoomResult.Answer(history.page(query.room(), query.since(), query.limit()));
    }

    /** Delivers to every live session of the client id on any instance. */
    public RoomResult.Sent direct(RoomCommand.Direct message) {
        return new RoomResult.Sent(direct.send(message.from(), message.to(), message.text()));
    }

    public void open(RoomCommand.Open open) {
        direct.opened(open.connection());
    }

    /**
     * The connection has ended: it joins no room from now on, and leaves every room it is in, telling each
     * room's members. Marking it first means that a join racing with the end (a frame still being handled
     * while a heartbeat timeout or a slow-consumer drop ends the connection) either lands before and is
     * left here, or is refused: no member is left behind.
     */
    public void end(RoomCommand.End end) {
        Connection connection = end.connection();
        connection.markEnded();
        for (Integer room : List.copyOf(connection.rooms())) {
            leave(connection, room);
        }
        direct.ended(connection);
    }

    public boolean isMember(Connection connection, int room) {
        return membership.isMember(connection, room);
    }

    /** Members of the room on every instance. */
    public int members(int room) {
        return membership.members(room);
    }

    private boolean leave(Connection connection, int room) {
        boolean left = membership.leave(connection, room);
        if (left) {
            sequencers.left(room);
        }
        return left;
    }
}
