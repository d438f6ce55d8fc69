package io.roomcast.room;

import io.roomcast.room.event.RoomEvent;
import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.Connection;
import io.roomcast.connection.Ids;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Rooms as every endpoint sees them: joining and leaving with presence, and publishing. Each change
 * and publication becomes one {@link RoomEvent} handed to the {@link FanOut} port, which delivers it
 * to this instance's members (each rendered once per representation, the same frame queued for every
 * member) and to the other instances. Member counts include the members held elsewhere.
 */
@ApplicationScoped
public class RoomService {

    private final RoomRegistry rooms;
    private final Ids ids;
    private final RoomcastSettings settings;
    private final FanOut fanOut;
    private final MembersElsewhere elsewhere;

    @Inject
    public RoomService(RoomRegistry rooms, Ids ids, RoomcastSettings settings, FanOut fanOut,
                       MembersElsewhere elsewhere) {
        this.rooms = rooms;
        this.ids = ids;
        this.settings = settings;
        this.fanOut = fanOut;
        this.elsewhere = elsewhere;
    }

    /** For the CDI client proxy only. */
    protected RoomService() {
        this(null, null, null, null, null);
    }

    /**
     * Joins a room within the room caps (PROTOCOL 12) and the user's room quota (13.6); presence goes out only when membership changed.
     * Returns the change with the member count on every instance, or the refusal.
     */
    public RoomRegistry.Change join(Connection connection, int room) {
        RoomRegistry.Change change = rooms.join(room, connection,
                new RoomRegistry.Limits(settings.roomsPerConnection(), settings.roomsTotal(), settings.roomsPerUser()));
        if (change.refused()) {
            return change;
        }
        int members = change.members() + elsewhere.members(room);
        if (change.changed()) {
            fanOut.publish(new RoomEvent.Presence(room, connection.id(), connection.user(), true, members));
        }
        return new RoomRegistry.Change(change.changed(), members);
    }

    /** Leaves a room; false when the connection was not a member. */
    public boolean leave(Connection connection, int room) {
        RoomRegistry.Change change = rooms.leave(room, connection);
        if (change.changed()) {
            int members = change.members() + elsewhere.members(room);
            fanOut.publish(new RoomEvent.Presence(room, connection.id(), connection.user(), false, members));
        }
        return change.changed();
    }

    /**
     * The connection has ended: it joins no room from now on, and leaves every room it is in, telling
     * each room's members. Marking it first means that a join racing with the end (a frame still
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
        return rooms.memberCount(room) + elsewhere.members(room);
    }

    /**
     * Publishes a text message to every member of the room, the sender included, through the room's
     * stream. {@code idempotencyKey} (null for none) makes a repeat by the same user to the same room
     * within the TTL a no-op that returns the first publish (PROTOCOL 9.3); {@code ackTo} (null for none)
     * gets the {@code ack}. Returns the message as the stream placed it.
     */
    public RoomEvent.Message publish(int room, String from, String text, String ref, String idempotencyKey,
                                     Connection ackTo) {
        RoomEvent.Message message = new RoomEvent.Message(room, ids.messageId(), from, text, ref,
                System.currentTimeMillis());
        return fanOut.publish(new Publication(message, idempotencyKey, ackTo));
    }

    /** Relays a binary frame, unchanged, to every chat member of the room, the sender included. */
    public void relayBinary(int room, ByteBuffer bytes) {
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        fanOut.publish(new RoomEvent.Binary(room, copy));
    }
}
