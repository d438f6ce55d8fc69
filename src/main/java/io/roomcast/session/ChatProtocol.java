package io.roomcast.session;

import io.roomcast.connection.CloseReasons;
import io.roomcast.connection.Connection;
import io.roomcast.room.RoomCommand;
import io.roomcast.room.RoomResult;
import io.roomcast.room.Rooms;
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
    private final Rooms rooms;

    @Inject
    public ChatProtocol(ConnectionLifecycle lifecycle, Rooms rooms) {
        this.lifecycle = lifecycle;
        this.rooms = rooms;
    }

    /** For the CDI client proxy only. */
    protected ChatProtocol() {
        this(null, null);
    }

    /**
     * Joins the connection's room. The handshake refused a room the cap (or the user's room quota) had
     * no slot for, but another connection may have taken the last slot since: then the session is
     * closed with 1013 {@code too many rooms}, the WebSocket counterpart of the handshake's 429.
     */
    public void opened(Connection connection) {
        int room = room(connection);
        RoomResult.JoinOutcome outcome;
        try {
            outcome = rooms.join(new RoomCommand.Join(connection, room));
        } catch (StreamUnavailableException e) {
            lifecycle.drop(connection, CloseReasons.UNAVAILABLE); // no majority of the cluster: try again later
            return;
        }
        if (outcome instanceof RoomResult.Refused refused && (refused.refusal() == RoomResult.Refusal.ROOMS
                || refused.refusal() == RoomResult.Refusal.ROOMS_PER_USER)) {
            lifecycle.drop(connection, CloseReasons.TOO_MANY_ROOMS);
        }
    }

    /** A line refused for want of a majority of the cluster is dropped, as chat lines over the rate are. */
    public void onText(Connection connection, String text) {
        int room = room(connection);
        if (lifecycle.admit(connection) && rooms.isMember(connection, room)) {
            // Without waiting: a durable store answers after its commit, and this may be the server's I/O thread.
            rooms.publishAsync(RoomCommand.Publish.line(room, connection.user(), text)).whenComplete((published, failure) -> {
                Throwable cause = Failures.cause(failure);
                if (cause instanceof StreamUnavailableException e) {
                    LOG.log(Level.DEBUG, "chat line in room {0} dropped: {1}", room, e.getMessage());
                } else if (cause != null) {
                    LOG.log(Level.WARNING, "a chat line of connection " + connection.id() + " failed", cause);
                    connection.close(CloseReasons.SERVER_ERROR); // as an exception in onMessage would
                }
            });
        }
    }

    public void onBinary(Connection connection, ByteBuffer bytes) {
        int room = room(connection);
        if (lifecycle.admit(connection) && rooms.isMember(connection, room)) {
            rooms.relay(new RoomCommand.Relay(room, bytes));
        }
    }

    private static int room(Connection connection) {
        return connection.identity().room().value();
    }
}
