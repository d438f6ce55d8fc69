package io.roomcast.room;

import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.OutboundFrame;
import io.roomcast.observability.RoomcastMetrics;
import io.roomcast.protocol.ChatLines;
import io.roomcast.protocol.FrameEncoder;
import io.roomcast.protocol.MessageFrames;
import io.roomcast.protocol.ServerFrames;
import io.roomcast.room.event.RoomEvent;
import io.roomcast.tracing.Span;
import io.roomcast.tracing.Tracer;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * Delivers an event to this instance's connections, whichever instance it came from. Each
 * representation is rendered once per event, lazily, when the first member who speaks it is met (the
 * chat line of {@link ChatLines}, the JSON frame of {@link MessageFrames}), and that one immutable frame
 * is queued for every member who speaks it: the cost per member is a queue insertion. The wire formats
 * themselves are {@code protocol}'s.
 */
@Dependent
public class LocalDelivery {

    private final RoomRegistry registry;
    private final ConnectionRegistry connections;
    private final FrameEncoder encoder;
    private final RoomcastMetrics metrics;
    private final Tracer tracer;

    /** One span per room delivery of a traced message, here or on another instance (docs/DEPLOYMENT.md, "Tracing"). */
    static final String FAN_OUT_SPAN = "roomcast.fanout";
    static final String MEMBERS = "roomcast.members";

    @Inject
    public LocalDelivery(RoomRegistry registry, ConnectionRegistry connections, FrameEncoder encoder,
                         RoomcastMetrics metrics, Tracer tracer) {
        this.registry = registry;
        this.connections = connections;
        this.encoder = encoder;
        this.metrics = metrics;
        this.tracer = tracer;
    }

    /** Untraced. */
    public LocalDelivery(RoomRegistry registry, ConnectionRegistry connections, FrameEncoder encoder,
                         RoomcastMetrics metrics) {
        this(registry, connections, encoder, metrics, Tracer.OFF);
    }

    /** Delivers an event at once; positioned messages come through {@link RoomSequencers}, in their turn. */
    public void deliver(RoomEvent event) {
        if (event instanceof RoomEvent.Message m) {
            message(m);
        } else if (event instanceof RoomEvent.Presence p) {
            presence(p);
        } else if (event instanceof RoomEvent.Binary b) {
            binary(b);
        } else if (event instanceof RoomEvent.Direct d) {
            direct(d);
        } // ClientSession: nothing to deliver
    }

    void message(RoomEvent.Message m) {
        message(m, Set.of());
    }

    /**
     * As {@link #message(RoomEvent.Message)}, skipping the members its room's sequencer says to skip (being
     * sent a replay, or being closed).
     */
    void message(RoomEvent.Message m, Set<Connection> skipped) {
        // an untraced message (tracing off where it was published) starts nothing
        Span span = m.trace() == null ? Span.NONE : tracer.start(FAN_OUT_SPAN, Tracer.Kind.CONSUMER, m.trace(), m.room());
        int delivered = fanOut(m, skipped);
        span.attribute(MEMBERS, delivered).attribute(Rooms.OFFSET, m.offset()).end();
    }

    private int fanOut(RoomEvent.Message m, Set<Connection> skipped) {
        OutboundFrame json = null;
        OutboundFrame chat = null;
        int delivered = 0;
        for (Connection member : registry.members(m.room())) {
            if (!skipped.isEmpty() && skipped.contains(member)) {
                continue;
            }
            if (member.kind() == ConnectionKind.CHAT) {
                if (chat == null) {
                    chat = new OutboundFrame.Text(ChatLines.message(m.room(), m.text()));
                }
                member.send(chat);
            } else {
                if (json == null) {
                    json = new OutboundFrame.Text(encoder.encode(MessageFrames.of(m)));
                }
                member.send(json);
            }
            delivered++;
        }
        metrics.messagesOut(delivered);
        return delivered;
    }

    /** Presence goes to the room's JSON members, never to the member it is about. */
    private void presence(RoomEvent.Presence p) {
        OutboundFrame frame = null;
        for (Connection member : registry.members(p.room())) {
            if (member.kind() == ConnectionKind.JSON && !member.id().equals(p.connectionId())) {
                if (frame == null) {
                    frame = new OutboundFrame.Text(encoder.encode(p.joined()
                            ? ServerFrames.Presence.join(p.room(), p.user(), p.members())
                            : ServerFrames.Presence.leave(p.room(), p.user(), p.members())));
                }
                member.send(frame);
            }
        }
    }

    /** Binary frames go to the room's chat members, unchanged. */
    private void binary(RoomEvent.Binary b) {
        OutboundFrame frame = new OutboundFrame.Binary(ByteBuffer.wrap(b.bytes()));
        int delivered = 0;
        for (Connection member : registry.members(b.room())) {
            if (member.kind() == ConnectionKind.CHAT) {
                member.send(frame);
                delivered++;
            }
        }
        metrics.messagesOut(delivered);
    }

    private void direct(RoomEvent.Direct d) {
        Set<Connection> targets = connections.byClientId(d.to());
        if (targets.isEmpty()) {
            return;
        }
        OutboundFrame frame = new OutboundFrame.Text(encoder.encode(new ServerFrames.Direct(d.from(), d.text(), d.timestamp())));
        int delivered = 0;
        for (Connection target : targets) {
            target.send(frame);
            delivered++;
        }
        metrics.messagesOut(delivered);
    }
}
