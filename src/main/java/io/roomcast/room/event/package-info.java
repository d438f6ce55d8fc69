/**
 * What the room feature emits ({@link io.roomcast.room.event.RoomEvent}): plain data, below the feature,
 * because the rooms' streams keep its messages and the cluster adapter carries every event.
 */
package io.roomcast.room.event;
