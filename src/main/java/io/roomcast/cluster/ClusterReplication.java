package io.roomcast.cluster;

import io.roomcast.room.Replication;
import io.roomcast.room.event.RoomEvent;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/**
 * The room feature's replication ({@code room.Replication}): this instance's events, already delivered
 * here, published on the bus in the order they were produced. On a single server the bus carries nothing, so no bus event is
 * even built. A direct message is published only when its client id is served elsewhere.
 */
@Dependent
public class ClusterReplication implements Replication {

    private final ClusterBus bus;
    private final RemoteMembers remote;

    @Inject
    public ClusterReplication(ClusterBus bus, RemoteMembers remote) {
        this.bus = bus;
        this.remote = remote;
    }

    @Override
    public void replicate(RoomEvent event) {
        if (!bus.clustered()) {
            return;
        }
        BusEvent published = toBus(event);
        if (published != null) {
            bus.publish(published);
        }
    }

    private BusEvent toBus(RoomEvent event) {
        if (event instanceof RoomEvent.Message m) {
            return new BusEvent.Message(m);
        } else if (event instanceof RoomEvent.Binary b) {
            return new BusEvent.Binary(b.room(), b.bytes());
        } else if (event instanceof RoomEvent.Presence p) {
            return new BusEvent.Presence(p.room(), p.connectionId(), p.user(), p.joined(), p.members());
        } else if (event instanceof RoomEvent.Direct d) {
            return remote.hasClient(d.to()) ? new BusEvent.Direct(d.to(), d.from(), d.text(), d.timestamp()) : null;
        } else if (event instanceof RoomEvent.ClientSession c) {
            return new BusEvent.Client(c.connectionId(), c.clientId(), c.online());
        }
        throw new IllegalArgumentException("unknown event " + event);
    }
}
