package io.roomcast.room;

import io.roomcast.room.event.RoomEvent;
import io.roomcast.connection.Connection;

/**
 * A message on its way into its room's stream, with what only the publishing instance needs to know:
 * the key under which a repeat is recognised (PROTOCOL 9.3; null for none) and the connection that
 * wants the {@code ack} (null for none). Neither leaves this instance.
 *
 * @param idempotencyKey the client's {@code ref} or the HTTP {@code Idempotency-Key}, scoped by the
 *                       caller to the user and room (see {@link #dedupKey})
 */
public record Publication(RoomEvent.Message message, String idempotencyKey, Connection ackTo) {

    /** The key de-duplication remembers: the same user, room and key are the same publish. */
    public String dedupKey() {
        return idempotencyKey == null ? null
                : message.from() + '\n' + message.room() + '\n' + idempotencyKey;
    }
}
