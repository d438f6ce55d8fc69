package io.roomcast.room;

import io.roomcast.room.event.RoomEvent;

/**
 * Hands this instance's events to the other instances. The cluster adapter is the one implementation:
 * the only code that knows there are other instances, and that on a single server there are none.
 */
public interface Replication {

    void replicate(RoomEvent event);
}
