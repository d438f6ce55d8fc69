package io.roomcast.cluster;

import io.roomcast.room.event.RoomEvent;
import java.util.List;

/**
 * What instances tell each other over the cluster bus. Every event is about the publishing instance's
 * own connections, so a receiver can apply events of one origin in the order that origin sent them
 * without coordinating with anyone else.
 */
public sealed interface BusEvent {

    /** A room message, already given its id, timestamp and place in its room's stream by the sending instance. */
    record Message(RoomEvent.Message message) implements BusEvent {
    }

    /** A binary frame for the chat members of a room. */
    record Binary(int room, byte[] bytes) implements BusEvent {
    }

    /**
     * A connection of the origin joined ({@code joined} true) or left a room; {@code members} is the
     * cluster-wide count after the change as the origin saw it, so every member gets the same figure.
     */
    record Presence(int room, String connectionId, String user, boolean joined, int members) implements BusEvent {
    }

    /** A direct message for the {@code /ws/secure/{clientId}} sessions of a client id. */
    record Direct(int to, String from, String text, long timestamp) implements BusEvent {
    }

    /** A {@code /ws/secure/{clientId}} session of the origin opened ({@code online}) or ended. */
    record Client(String connectionId, int clientId, boolean online) implements BusEvent {
    }

    /** The origin's live connection count changed. */
    record Figures(int connections) implements BusEvent {
    }

    /** A newly started instance asks the others for a {@link Snapshot}. */
    record SyncRequest() implements BusEvent {
    }

    /** Everything the others need to know about the origin's connections: it replaces their view. */
    record Snapshot(int connections, List<Membership> memberships, List<ClientSession> clients) implements BusEvent {
        public Snapshot {
            memberships = List.copyOf(memberships);
            clients = List.copyOf(clients);
        }
    }

    /** The origin is shutting down: forget its members now rather than when its process is gone. */
    record Goodbye() implements BusEvent {
    }

    /**
     * Asks every instance that still counts the origin as a member of its cluster to answer with a
     * {@link Pong} (the quorum fence, docs/CLUSTER.md): handled by the bus itself, never by the listener.
     */
    record Ping(long nonce) implements BusEvent {
    }

    /** The answer to the {@link Ping} with that nonce, for the instance {@code to}. */
    record Pong(long nonce, String to) implements BusEvent {
    }

    record Membership(int room, String connectionId, String user) {
    }

    record ClientSession(String connectionId, int clientId) {
    }
}
