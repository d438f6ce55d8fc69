package io.roomcast.room;

import io.roomcast.cluster.BusEvent;
import io.roomcast.cluster.ClusterBus;
import io.roomcast.cluster.RemoteMembers;
import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.OutboundFrame;
import io.roomcast.observability.RoomcastMetrics;
import io.roomcast.protocol.FrameEncoder;
import io.roomcast.protocol.ServerFrames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;

/**
 * Direct messages to the numeric client ids of {@code /ws/secure/{clientId}}. In a cluster each
 * instance tells the others which client ids it serves, so the sender's instance knows whether a
 * client id is connected anywhere ({@code not_found} otherwise) and publishes only when it is
 * connected elsewhere.
 */
@ApplicationScoped
public class DirectService {

    @Inject
    ConnectionRegistry registry;
    @Inject
    FrameEncoder encoder;
    @Inject
    RoomcastMetrics metrics;
    @Inject
    ClusterBus bus;
    @Inject
    RemoteMembers remote;

    /** Delivers to every live session of the client id on any instance; false when there is none. */
    public boolean send(String from, int to, String text) {
        long now = System.currentTimeMillis();
        boolean here = deliver(to, from, text, now);
        boolean elsewhere = bus.clustered() && remote.hasClient(to);
        if (elsewhere) {
            bus.publish(new BusEvent.Direct(to, from, text, now));
        }
        return here || elsewhere;
    }

    /** Delivers to this instance's sessions of the client id; false when there is none. */
    public boolean deliver(int to, String from, String text, long timestamp) {
        Set<Connection> targets = registry.byClientId(to);
        if (targets.isEmpty()) {
            return false;
        }
        OutboundFrame frame = new OutboundFrame.Text(encoder.encode(new ServerFrames.Direct(from, text, timestamp)));
        int delivered = 0;
        for (Connection target : targets) {
            target.send(frame);
            delivered++;
        }
        metrics.messagesOut(delivered);
        return delivered > 0;
    }

    /** A connection opened: the other instances learn where its client id is served. */
    public void opened(Connection connection) {
        Integer clientId = connection.identity().clientId();
        if (clientId != null && bus.clustered()) {
            bus.publish(new BusEvent.Client(connection.id(), clientId, true));
        }
    }

    /** A connection ended. */
    public void ended(Connection connection) {
        Integer clientId = connection.identity().clientId();
        if (clientId != null && bus.clustered()) {
            bus.publish(new BusEvent.Client(connection.id(), clientId, false));
        }
    }
}
