package io.roomcast.fanout;

import io.roomcast.room.FanOut;
import io.roomcast.room.RoomEvent;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/**
 * The fan-out port's composition: an event gets its place in its room ({@link RoomStreams}), is
 * delivered to this instance's connections at once, with no round trip, and is then replicated to the
 * other instances in the same order. Dependent, like its parts, so a publication costs no client-proxy
 * hop between the domain and the connections' queues.
 */
@Dependent
public class FanOutPort implements FanOut {

    private final RoomStreams streams;
    private final EventSink local;
    private final Replication replication;

    @Inject
    public FanOutPort(RoomStreams streams, LocalDelivery local, Replication replication) {
        this.streams = streams;
        this.local = local;
        this.replication = replication;
    }

    @Override
    public void publish(RoomEvent event) {
        RoomEvent positioned = streams.position(event);
        local.deliver(positioned);
        replication.replicate(positioned);
    }
}
