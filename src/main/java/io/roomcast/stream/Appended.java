package io.roomcast.stream;

import io.roomcast.room.event.RoomEvent;

/**
 * A message as the stream took it: placed at its epoch and offset, or, when its idempotency key was
 * seen within the TTL, a {@code duplicate}, which is not delivered again.
 */
public record Appended(RoomEvent.Message message, boolean duplicate) {

    /**
     * A repeat of an earlier publish: the resend as it was sent, under the first publish's id, epoch
     * and offset (what its ack and 202 name). The first publish's text is not kept (PROTOCOL 13.2).
     */
    public static Appended repeat(RoomEvent.Message resend, Placement first) {
        return new Appended(new RoomEvent.Message(resend.room(), first.id(), resend.from(), resend.text(), resend.ref(),
                resend.timestamp(), first.epoch(), first.offset()), true);
    }
}
