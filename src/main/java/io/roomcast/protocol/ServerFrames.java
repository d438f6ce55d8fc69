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

    @JsonbPropertyOrder({"type", "room", "members"})
    public record Joined(String type, int room, int members) {
        public Joined(int room, int members) {
            this("joined", room, members);
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

    @JsonbPropertyOrder({"type", "room", "id", "from", "text", "ref", "timestamp"})
    public record Message(String type, int room, String id, String from, String text, String ref, long timestamp) {
        public Message(int room, String id, String from, String text, String ref, long timestamp) {
            this("message", room, id, from, text, ref, timestamp);
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
