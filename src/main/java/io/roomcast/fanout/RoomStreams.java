package io.roomcast.fanout;

import io.roomcast.room.RoomEvent;
import jakarta.enterprise.context.Dependent;

/**
 * Where an event gets its position in its room, before anyone delivers or replicates it: the place of
 * the per-room stream (offsets, history and recovery, PROTOCOL v2 section 9). Today rooms have no
 * stream and every event passes unchanged. The stream will hold state per room, so it will then
 * become {@code @ApplicationScoped} (one stream for every fan-out), not the dependent object it is now.
 */
@Dependent
public class RoomStreams {

    /** The event as it is to be delivered: today, unchanged. */
    public RoomEvent position(RoomEvent event) {
        return event;
    }
}
