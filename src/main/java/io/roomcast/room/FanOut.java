package io.roomcast.room;

/**
 * The one way out of the room domain: every event is published here exactly once, in the order the
 * domain produced it. Behind the port (package {@code fanout}) an event gets its place in its room,
 * is delivered to this instance's connections, and is replicated to any other instance; the domain
 * knows none of that.
 */
public interface FanOut {

    void publish(RoomEvent event);
}
