package io.roomcast.room;

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

    /** Joins a room; presence goes to the other JSON members only when membership changed. */
    public int join(Connection connection, int room) {
        RoomRegistry.Change change = rooms.join(room, connection);
        if (change.changed()) {
            presence(room, ServerFrames.Presence.join(room, connection.user(), change.members()), connection);
        }
        return change.members();
    }

    /** Leaves a room; false when the connection was not a member. */
    public boolean leave(Connection connection, int room) {
        RoomRegistry.Change change = rooms.leave(room, connection);
        if (change.changed()) {
            presence(room, ServerFrames.Presence.leave(room, connection.user(), change.members()), connection);
        }
        return change.changed();
    }

    /** Leaves every room, telling each room's JSON members. */
    public void leaveAll(Connection connection) {
        for (Integer room : List.copyOf(connection.rooms())) {
            leave(connection, room);
        }
    }

    public boolean isMember(Connection connection, int room) {
        return rooms.isMember(room, connection);
    }

    /** Delivers a text message to every member of the room, the sender included. */
    public void publish(int room, String from, String text, String ref) {
        ServerFrames.Message message = new ServerFrames.Message(room, ids.messageId(), from, text, ref,
                System.currentTimeMillis());
        OutboundFrame json = null;
        OutboundFrame chat = null;
        int delivered = 0;
        for (Connection member : rooms.members(room)) {
            if (member.kind() == ConnectionKind.CHAT) {
                if (chat == null) {
                    chat = new OutboundFrame.Text("Room " + room + ": " + text);
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

    /** Relays a binary frame, unchanged, to every chat member of the room, the sender included. */
    public void relayBinary(int room, ByteBuffer bytes) {
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining()).put(bytes).flip();
        OutboundFrame frame = new OutboundFrame.Binary(copy);
        int delivered = 0;
        for (Connection member : rooms.members(room)) {
            if (member.kind() == ConnectionKind.CHAT) {
                member.send(frame);
                delivered++;
            }
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
