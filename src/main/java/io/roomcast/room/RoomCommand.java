package io.roomcast.room;

import io.roomcast.connection.Connection;
import io.roomcast.stream.StreamPosition;
import java.nio.ByteBuffer;

/**
 * What the endpoints, the session layer and the HTTP API ask of the room feature, one record per request,
 * each handed to its method of {@link Rooms}.
 */
public sealed interface RoomCommand {

    /**
     * Join a room; a JSON member recovers what followed {@code since} (PROTOCOL 9.1), null for a join
     * without it.
     */
    record Join(Connection connection, int room, StreamPosition since) implements RoomCommand {

        /** A join without {@code since}: a chat connection's, or a JSON join that recovers nothing. */
        public Join(Connection connection, int room) {
            this(connection, room, null);
        }
    }

    /** Leave a room. */
    record Leave(Connection connection, int room) implements RoomCommand {
    }

    /**
     * Publish a text message to every member of the room, the sender included, through the room's stream.
     * {@code ref} travels with the message; {@code idempotencyKey} (null for none) makes a repeat by the same
     * user to the same room within the TTL a no-op that returns the first publish (PROTOCOL 9.3);
     * {@code ackTo} (null for none) gets the {@code ack}; {@code traceparent} (null for none) is the
     * publisher's W3C trace context, the parent of the publish's span when tracing is on. Made by the
     * factory of each way in.
     */
    record Publish(int room, String from, String text, String ref, String idempotencyKey, Connection ackTo,
                   String traceparent) implements RoomCommand {

        /** A publish without trace context. */
        public Publish(int room, String from, String text, String ref, String idempotencyKey, Connection ackTo) {
            this(room, from, text, ref, idempotencyKey, ackTo, null);
        }

        /** A chat line (PROTOCOL 3.1): no ref, no idempotency, no ack. */
        public static Publish line(int room, String from, String text) {
            return new Publish(room, from, text, null, null, null);
        }

        /**
         * A JSON {@code message} frame: a {@code ref} earns an {@code ack}, and an authenticated user's
         * {@code ref} is also its idempotency key. A guest's is not: its name is not stable across
         * connections (PROTOCOL 9.3).
         */
        public static Publish frame(Connection sender, int room, String text, String ref) {
            return frame(sender, room, text, ref, null);
        }

        /** As {@link #frame(Connection, int, String, String)}, with the frame's {@code traceparent} (PROTOCOL 9.4). */
        public static Publish frame(Connection sender, int room, String text, String ref, String traceparent) {
            String key = ref != null && sender.identity().authenticated() ? ref : null;
            return new Publish(room, sender.user(), text, ref, key, ref == null ? null : sender, traceparent);
        }

        /** {@code POST /api/rooms/{roomId}/messages}: as the token's user, with its {@code Idempotency-Key}. */
        public static Publish http(int room, String user, String text, String idempotencyKey) {
            return http(room, user, text, idempotencyKey, null);
        }

        /** As {@link #http(int, String, String, String)}, with the request's {@code traceparent} header. */
        public static Publish http(int room, String user, String text, String idempotencyKey, String traceparent) {
            return new Publish(room, user, text, null, idempotencyKey, null, traceparent);
        }

        /** The key de-duplication remembers: the same user, room and key are the same publish; null for none. */
        public String dedupKey() {
            return idempotencyKey == null ? null : dedupKey(from, room, idempotencyKey);
        }

        /**
         * The key of a publish by {@code from} in {@code room} with an idempotency key: also that of an outbox
         * row (PROTOCOL 14), so that a row and an HTTP publish with the same key are one publish.
         */
        public static String dedupKey(String from, int room, String idempotencyKey) {
            return from + '\n' + room + '\n' + idempotencyKey;
        }
    }

    /** Relay a binary frame, unchanged, to every chat member of the room, the sender included. */
    record Relay(int room, ByteBuffer bytes) implements RoomCommand {
    }

    /** The {@code history} frame (PROTOCOL 9.2): a page of the room's stream, answered under {@code ref}. */
    record History(int room, StreamPosition since, int limit, String ref) implements RoomCommand {
    }

    /** The same page as {@code GET /api/rooms/{roomId}/history} answers it. */
    record HistoryPage(int room, StreamPosition since, int limit) implements RoomCommand {
    }

    /** A direct message to the {@code /ws/secure/{clientId}} sessions of a client id, here or elsewhere. */
    record Direct(String from, int to, String text) implements RoomCommand {
    }

    /** A connection opened: where its client id (if any) is served changed. */
    record Open(Connection connection) implements RoomCommand {
    }

    /** A connection ended: it joins no room any more, leaves every room it is in, and its client id's session ends. */
    record End(Connection connection) implements RoomCommand {
    }
}
