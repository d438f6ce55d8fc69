package io.roomcast.stream;

import io.roomcast.room.event.RoomEvent;

/**
 * Where a publish landed: its message id, epoch and offset (null and 0 with streams off). All that an
 * idempotency key remembers of its first publish, and all that a repeat's {@code ack} or 202 names
 * (PROTOCOL 9.3, 13.2): never the text.
 */
public record Placement(String id, String epoch, long offset) {

    public static Placement of(RoomEvent.Message placed) {
        return new Placement(placed.id(), placed.epoch(), placed.offset());
    }
}
