package io.roomcast.session;

import io.roomcast.connection.CloseReasons;
import io.roomcast.connection.Connection;
import io.roomcast.room.RoomSequencers;
import io.roomcast.room.RoomRegistry;
import io.roomcast.room.RoomService;
import io.roomcast.stream.StreamUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * The text protocol of {@code /ws/chat/{roomId}} (PROTOCOL 3.1): connecting joins the room, a text
 * line enters the room's stream like any message, a binary frame is relayed unchanged. A connection
 * that is no longer a member (it is ending) publishes nothing more.
 */
@ApplicationScoped
public class ChatProtocol {

    private static final Logger LOG = System.getLogger(ChatProtocol.class.getName());

    private final ConnectionLifecycle lifecycle;
    private final RoomService rooms;
    private final RoomSequencers streams;

    @Inject
    public ChatProtocol(ConnectionLifecycle lifecycle, RoomService rooms, RoomSequencers streams) {
        this.lifecycle = lifecycle;
        this.rooms = rooms;
        this.streams = streams;
    }

    /** For the CDI client proxy only. */
    protected ChatProtocol() {
        this(null, null, null);
    }

    /**
     * Joins the connection's room. The handshake refused a room the cap (or the user's room quota) had
     * no slot for, but another connection may have taken the last slot since: then the session is
     * closed with 1013 {@code too many rooms}, the WebSocket counterpart of the handshake's 429.
     */
    public void opened(Connection connection) {
        int room = room(connection);
        RoomRegistry.Change change;
        try {
            change = streams.join(connection, room, null, () -> rooms.join(connection, room));
        } catch (StreamUnavailableException e) {
            lifecycle.drop(connection, CloseReasons.UNAVAILABLE); // no majority of the cluster: try again later
            return;
        }
        if (change.refusal() == RoomRegistry.Refusal.ROOMS || change.refusal() == RoomRegistry.Refusal.ROOMS_PER_USER) {
            lifecycle.drop(connection, CloseReasons.TOO_MANY_ROOMS);
        }
    }

    /** A line refused for want of a majority of the cluster is dropped, as chat lines over the rate are. */
    public void onText(Connection connection, String text) {
        int room = room(connection);
        if (lifecycle.admit(connection) && rooms.isMember(connection, room)) {
            try {
                rooms.publish(room, connection.user(), text, null, null, null);
            } catch (StreamUnavailableException e) {
                LOG.log(Level.DEBUG, "chat line in room {0} dropped: {1}", room, e.getMessage());
            }
        }
    }

    public void onBinary(Connection connection, ByteBuffer bytes) {
        int room = room(connection);
        if (lifecycle.admit(connection) && rooms.isMember(connection, room)) {
            rooms.relayBinary(room, bytes);
        }
    }

    private static int room(Connection connection) {
        return connection.identity().room().value();
    }
}
