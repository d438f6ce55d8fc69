package io.roomcast.protocol;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

/**
 * The frames the server sends on the JSON endpoints (PROTOCOL 3.2 and 3.3), one record each. Every
 * component is written, null included, in the order given.
 */
public final class ServerFrames {

    private ServerFrames() {
    }

    /** {@code expiresAt}: the token's {@code exp} in epoch milliseconds, null for guests (PROTOCOL 10). */
    @JsonbPropertyOrder({"type", "connectionId", "user", "clientId", "address", "heartbeatInterval", "timestamp",
            "expiresAt"})
    public record Welcome(String type, String connectionId, String user, Integer clientId, String address,
                          long heartbeatInterval, long timestamp, Long expiresAt) {
        public Welcome(String connectionId, String user, Integer clientId, String address,
                       long heartbeatInterval, long timestamp, Long expiresAt) {
            this("welcome", connectionId, user, clientId, address, heartbeatInterval, timestamp, expiresAt);
        }
    }

    /**
     * A join took effect (PROTOCOL 9): {@code offset} is the room's latest offset the joiner's live
     * messages follow; {@code recovered} and {@code missed} describe a {@code since} that was honoured.
     * {@code epoch} and {@code offset} are null when streams are off (docs section 8).
     */
    @JsonbPropertyOrder({"type", "room", "members", "epoch", "offset", "recovered", "missed"})
    public record Joined(String type, int room, int members, String epoch, Long offset, boolean recovered,
                         long missed) {
        public Joined(int room, int members, String epoch, Long offset, boolean recovered, long missed) {
            this("joined", room, members, epoch, offset, recovered, missed);
        }
    }

    /** A join whose {@code since} could not be honoured: the same, with the first {@code reason} that applied. */
    @JsonbPropertyOrder({"type", "room", "members", "epoch", "offset", "recovered", "missed", "reason"})
    public record JoinedUnrecovered(String type, int room, int members, String epoch, Long offset, boolean recovered,
                                    long missed, String reason) {
        public JoinedUnrecovered(int room, int members, String epoch, Long offset, String reason) {
            this("joined", room, members, epoch, offset, false, 0, reason);
        }
    }

    /** A message with a {@code ref} is in the stream (PROTOCOL 9.3); sent after the sender's own copy. */
    @JsonbPropertyOrder({"type", "ref", "room", "id", "epoch", "offset"})
    public record Ack(String type, String ref, int room, String id, String epoch, Long offset) {
        public Ack(String ref, int room, String id, String epoch, Long offset) {
            this("ack", ref, room, id, epoch, offset);
        }
    }

    /**
     * A page of a room's stream (PROTOCOL 9.2); {@code messages} are message frames. {@code epoch} is
     * null and {@code offset} 0 for a room without a stream (PROTOCOL 13.3); both null with streams off.
     */
    @JsonbPropertyOrder({"type", "room", "epoch", "offset", "messages", "complete", "ref"})
    public record History(String type, int room, String epoch, Long offset, List<Message> messages, boolean complete,
                          String ref) {
        public History(int room, String epoch, Long offset, List<Message> messages, boolean complete, String ref) {
            this("history", room, epoch, offset, List.copyOf(messages), complete, ref);
        }
    }

    /** The same page as {@code GET /api/rooms/{roomId}/history} answers it: without {@code type} and {@code ref}. */
    @JsonbPropertyOrder({"room", "epoch", "offset", "messages", "complete"})
    public record HistoryPage(int room, String epoch, Long offset, List<Message> messages, boolean complete) {
        public HistoryPage {
            messages = List.copyOf(messages);
        }
    }

    /**
     * {@code reason} is null when the client left on its own, {@code forbidden_room} when a refreshed
     * token no longer allows the room (PROTOCOL 10).
     */
    @JsonbPropertyOrder({"type", "room", "reason"})
    public record Left(String type, int room, String reason) {
        public Left(int room) {
            this("left", room, null);
        }

        public static Left forbidden(int room) {
            return new Left("left", room, ErrorCode.FORBIDDEN_ROOM.wire());
        }
    }

    @JsonbPropertyOrder({"type", "room", "event", "user", "members"})
    public record Presence(String type, int room, String event, String user, int members) {
        public static Presence join(int room, String user, int members) {
            return new Presence("presence", room, "join", user, members);
        }

        public static Presence leave(int room, String user, int members) {
            return new Presence("presence", room, "leave", user, members);
        }
    }

    /** {@code epoch} and {@code offset} place it in its room's stream; null when streams are off (PROTOCOL 9). */
    @JsonbPropertyOrder({"type", "room", "id", "from", "text", "ref", "timestamp", "epoch", "offset"})
    public record Message(String type, int room, String id, String from, String text, String ref, long timestamp,
                          String epoch, Long offset) {
        public Message(int room, String id, String from, String text, String ref, long timestamp, String epoch,
                       Long offset) {
            this("message", room, id, from, text, ref, timestamp, epoch, offset);
        }
    }

    @JsonbPropertyOrder({"type", "from", "text", "timestamp"})
    public record Direct(String type, String from, String text, long timestamp) {
        public Direct(String from, String text, long timestamp) {
            this("direct", from, text, timestamp);
        }
    }

    /** A refresh was accepted (PROTOCOL 10); {@code expiresAt} is the new token's {@code exp} in epoch ms. */
    @JsonbPropertyOrder({"type", "expiresAt", "ref"})
    public record Refreshed(String type, long expiresAt, String ref) {
        public Refreshed(long expiresAt, String ref) {
            this("refreshed", expiresAt, ref);
        }
    }

    @JsonbPropertyOrder({"type", "timestamp"})
    public record Pong(String type, long timestamp) {
        public Pong(long timestamp) {
            this("pong", timestamp);
        }
    }

    @JsonbPropertyOrder({"type", "timestamp"})
    public record Heartbeat(String type, long timestamp) {
        public Heartbeat(long timestamp) {
            this("heartbeat", timestamp);
        }
    }

    @JsonbPropertyOrder({"type", "code", "message", "ref"})
    public record Error(String type, String code, String message, String ref) {
        public Error(ErrorCode code, String message, String ref) {
            this("error", code.wire(), message, ref);
        }
    }

    /** One instance's row in the cluster-wide figures. */
    @JsonbPropertyOrder({"instance", "connections"})
    public record InstanceFigure(String instance, long connections) {
    }

    /** The figures are cluster-wide; {@code instances} has a row per instance, this one included. */
    @JsonbPropertyOrder({"type", "connections", "rooms", "timestamp", "instances"})
    public record Status(String type, long connections, long rooms, long timestamp, List<InstanceFigure> instances) {
        public Status(long connections, long rooms, long timestamp, List<InstanceFigure> instances) {
            this("status", connections, rooms, timestamp, List.copyOf(instances));
        }
    }
}
