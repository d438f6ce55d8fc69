package io.roomcast.room;

import io.roomcast.room.event.RoomEvent;

/**
 * The one way out of the room domain: every event is published here exactly once, in the order the
 * domain produced it. Behind the port (package {@code fanout}) a message gets its place in its room's
 * stream, is delivered to this instance's connections, and is replicated to any other instance; the
 * domain knows none of that.
 */
public interface FanOut {

    /** Presence, binary relays, direct messages and client sessions: delivered and replicated as they are. */
    void publish(RoomEvent event);

    /**
     * A room message: put into its room's stream first, then delivered and replicated. Returns the
     * message as the stream placed it; for a repeated idempotency key, the first publish's message,
     * which nobody receives again.
     */
    RoomEvent.Message publish(Publication publication);
}
