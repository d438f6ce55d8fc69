package io.roomcast.room;

import io.roomcast.room.event.RoomEvent;

/** Delivers events to this instance's connections; events of other instances come in here too. */
public interface EventSink {

    void deliver(RoomEvent event);

    /**
     * Events of other instances may have been lost on their way here (an instance was lost, or its bus
     * backlog overflowed): read from the rooms' streams whatever room messages this instance missed,
     * rather than notice only when a later message arrives. Does not wait for it.
     */
    default void catchUp() {
    }

    /**
     * A room's stream has messages up to {@code latest} (a durable store's notification, PROTOCOL 14):
     * if this instance has members in the room and delivered less, it reads the rest from the stream and
     * delivers it in turn. Does not wait for it; a room without members here costs nothing.
     */
    default void catchUp(int room, long latest) {
        catchUp();
    }
}
