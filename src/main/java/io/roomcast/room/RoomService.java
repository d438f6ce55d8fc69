package io.roomcast.room;

import io.roomcast.cluster.BusEvent;
import io.roomcast.cluster.ClusterBus;
import io.roomcast.cluster.RemoteMembers;
import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.Ids;
import io.roomcast.connection.OutboundFrame;
import io.roomcast.observability.RoomcastMetrics;
import io.roomcast.protocol.FrameEncoder;
import io.roomcast.protocol.ServerFrames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Rooms as every endpoint sees them: joining and leaving with presence, and broadcasting. A broadcast
 * is rendered once per representation (the chat text line and the JSON message) and the same frame
 * object is queued for every member, so the cost per member is a queue insertion.
 *
 * <p>In a cluster, every change and broadcast is first delivered to this instance's members, with no
 * round trip, and then published on the bus in the same order; the other instances deliver what they
 * receive to theirs ({@code deliver*} methods). Member counts are cluster-wide.
 */
@ApplicationScoped
public class RoomService {

    @Inject
    RoomRegistry rooms;
    @Inject
    FrameEncoder encoder;
    @Inject
    Ids ids;
    @Inject
    RoomcastMetrics metrics;
    @Inject
    ClusterBus bus;
    @Inject
    RemoteMembers remote;
    @Inject
    RoomcastSettings settings;

    /**
     * Joins a room within the room caps (PROTOCOL 12); presence goes to the other JSON members only when
     * membership changed. Returns the change with the cluster-wide member count, or the refusal.
     */
    public RoomRegistry.Change join(Connection connection, int room) {
        RoomRegistry.Change change = rooms.join(room, connection,
                new RoomRegistry.Limits(settings.roomsPerConnection(), settings.roomsTotal()));
        if (change.refused()) {
            return change;
        }
        int members = change.members() + remote.members(room);
        if (change.changed()) {
            presence(room, ServerFrames.Presence.join(room, connection.user(), members), connection);
            if (bus.clustered()) {
                bus.publish(new BusEvent.Presence(room, connection.id(), connection.user(), true, members));
            }
        }
        return new RoomRegistry.Change(change.changed(), members);
    }

    /** Leaves a room; false when the connection was not a member. */
    public boolean leave(Connection connection, int room) {
        RoomRegistry.Change change = rooms.leave(room, connection);
        if (change.changed()) {
            int members = change.members() + remote.members(room);
            presence(room, ServerFrames.Presence.leave(room, connection.user(), members), connection);
            if (bus.clustered()) {
                bus.publish(new BusEvent.Presence(room, connection.id(), connection.user(), false, members));
            }
        }
        return change.changed();
    }

    /**
     * The connection has ended: it joins no room from now on, and leaves every room it is in, telling
     * each room's JSON members. Marking it first means that a join racing with the end (a frame still
     * being handled while a heartbeat timeout or a slow-consumer drop ends the connection) either
     * lands before and is left here, or is refused: no member is left behind.
     */
    public void ended(Connection connection) {
        connection.markEnded();
        for (Integer room : List.copyOf(connection.rooms())) {
            leave(connection, room);
        }
    }

    public boolean isMember(Connection connection, int room) {
        return rooms.isMember(room, connection);
    }

    /** Members of the room on every instance. */
    public int members(int room) {
        return rooms.memberCount(room) + remote.members(room);
    }

    /** Delivers a text message to every member of the room, the sender included. */
    public void publish(int room, String from, String text, String ref) {
        ServerFrames.Message message = new ServerFrames.Message(room, ids.messageId(), from, text, ref,
                System.currentTimeMillis());
        deliver(message);
        if (bus.clustered()) {
            bus.publish(new BusEvent.Message(room, message.id(), from, text, ref, message.timestamp()));
        }
    }

    /** Delivers a message that another instance published to this instance's members of the room. */
    public void deliver(BusEvent.Message m) {
        deliver(new ServerFrames.Message(m.room(), m.id(), m.from(), m.text(), m.ref(), m.timestamp()));
    }

    /** Relays a binary frame, unchanged, to every chat member of the room, the sender included. */
    public void relayBinary(int room, ByteBuffer bytes) {
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        deliverBinary(room, copy);
        if (bus.clustered()) {
            bus.publish(new BusEvent.Binary(room, copy));
        }
    }

    /** Relays a binary frame to this instance's chat members of the room. */
    public void deliverBinary(int room, byte[] bytes) {
        OutboundFrame frame = new OutboundFrame.Binary(ByteBuffer.wrap(bytes));
        int delivered = 0;
        for (Connection member : rooms.members(room)) {
            if (member.kind() == ConnectionKind.CHAT) {
                member.send(frame);
                delivered++;
            }
        }
        metrics.messagesOut(delivered);
    }

    /** Tells this instance's JSON members about a member of another instance. */
    public void deliverPresence(int room, boolean joined, String user, int members) {
        presence(room, joined ? ServerFrames.Presence.join(room, user, members)
                : ServerFrames.Presence.leave(room, user, members), null);
    }

    private void deliver(ServerFrames.Message message) {
        OutboundFrame json = null;
        OutboundFrame chat = null;
        int delivered = 0;
        for (Connection member : rooms.members(message.room())) {
            if (member.kind() == ConnectionKind.CHAT) {
                if (chat == null) {
                    chat = new OutboundFrame.Text("Room " + message.room() + ": " + message.text());
                }
                member.send(chat);
            } else {
                if (json == null) {
                    json = new OutboundFrame.Text(encoder.encode(message));
                }
                member.send(json);
            }
            delivered++;
        }
        metrics.messagesOut(delivered);
    }

    private void presence(int room, ServerFrames.Presence event, Connection subject) {
        OutboundFrame frame = null;
        for (Connection member : rooms.members(room)) {
            if (member != subject && member.kind() == ConnectionKind.JSON) {
                if (frame == null) {
                    frame = new OutboundFrame.Text(encoder.encode(event));
                }
                member.send(frame);
            }
        }
    }
}
