package io.roomcast.fanout;

import io.roomcast.room.RoomEvent;

/** Delivers events to this instance's connections; events of other instances come in here too. */
public interface EventSink {

    void deliver(RoomEvent event);
}
