package io.roomcast.room;

import io.roomcast.room.event.RoomEvent;
import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Direct messages to the numeric client ids of {@code /ws/secure/{clientId}}. A client id connected
 * nowhere is {@code not_found}; otherwise the message is published once and reaches every session of
 * the client id, here or elsewhere.
 */
@ApplicationScoped
public class DirectService {

    private final ConnectionRegistry connections;
    private final Broadcast broadcast;
    private final MembersElsewhere elsewhere;

    @Inject
    public DirectService(ConnectionRegistry connections, Broadcast broadcast, MembersElsewhere elsewhere) {
        this.connections = connections;
        this.broadcast = broadcast;
        this.elsewhere = elsewhere;
    }

    /** For the CDI client proxy only. */
    protected DirectService() {
        this(null, null, null);
    }

    /** Delivers to every live session of the client id on any instance; false when there is none. */
    public boolean send(String from, int to, String text) {
        if (connections.byClientId(to).isEmpty() && !elsewhere.hasClient(to)) {
            return false;
        }
        broadcast.publish(new RoomEvent.Direct(to, from, text, System.currentTimeMillis()));
        return true;
    }

    /** A connection opened: where its client id is served changed. */
    public void opened(Connection connection) {
        Integer clientId = connection.identity().clientId();
        if (clientId != null) {
            broadcast.publish(new RoomEvent.ClientSession(connection.id(), clientId, true));
        }
    }

    /** A connection ended. */
    public void ended(Connection connection) {
        Integer clientId = connection.identity().clientId();
        if (clientId != null) {
            broadcast.publish(new RoomEvent.ClientSession(connection.id(), clientId, false));
        }
    }
}
