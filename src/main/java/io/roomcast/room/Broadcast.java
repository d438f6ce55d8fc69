package io.roomcast.room;

import io.roomcast.room.event.RoomEvent;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/**
 * Events that take no place in a room's stream (presence, binary relays, direct messages, client
 * sessions): delivered to this instance's connections at once, then replicated to the other instances,
 * in the order they were produced. Room messages go through their stream instead ({@link Rooms#publish}).
 */
@Dependent
public class Broadcast {

    private final LocalDelivery local;
    private final Replication replication;

    @Inject
    public Broadcast(LocalDelivery local, Replication replication) {
        this.local = local;
        this.replication = replication;
    }

    public void publish(RoomEvent event) {
        local.deliver(event);
        replication.replicate(event);
    }
}
