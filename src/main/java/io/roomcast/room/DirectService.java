package io.roomcast.room;

import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.OutboundFrame;
import io.roomcast.observability.RoomcastMetrics;
import io.roomcast.protocol.FrameEncoder;
import io.roomcast.protocol.ServerFrames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;

/** Direct messages to the numeric client ids of {@code /ws/secure/{clientId}}. */
@ApplicationScoped
public class DirectService {

    @Inject
    ConnectionRegistry registry;
    @Inject
    FrameEncoder encoder;
    @Inject
    RoomcastMetrics metrics;

    /** Delivers to every live session of the client id; false when there is none. */
    public boolean send(String from, int to, String text) {
        Set<Connection> targets = registry.byClientId(to);
        if (targets.isEmpty()) {
            return false;
        }
        OutboundFrame frame = new OutboundFrame.Text(
                encoder.encode(new ServerFrames.Direct(from, text, System.currentTimeMillis())));
        int delivered = 0;
        for (Connection target : targets) {
            target.send(frame);
            delivered++;
        }
        metrics.messagesOut(delivered);
        return delivered > 0;
    }
}
