package io.roomcast.stream;

import io.roomcast.room.RoomEvent;

/**
 * A message as the stream took it: placed at its epoch and offset, or, when its idempotency key was
 * seen within the TTL, the first publish's message ({@code duplicate}), which is not delivered again.
 */
public record Appended(RoomEvent.Message message, boolean duplicate) {
}
