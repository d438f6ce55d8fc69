package io.roomcast.status;

import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.Ids;
import io.roomcast.connection.OutboundFrame;
import io.roomcast.protocol.FrameEncoder;
import io.roomcast.protocol.ServerFrames;
import io.roomcast.room.FiguresChanged;
import io.roomcast.room.RoomRegistry;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Streams the live figures to {@code /ws/status} sessions: one frame on open, then one after every
 * change, coalesced so that a burst of connects costs at most one frame per second. The figures are
 * cluster-wide; the same coalesced beat tells the other instances this instance's connection count.
 */
@ApplicationScoped
public class StatusPublisher implements FiguresChanged {

    private static final long MIN_GAP_MILLIS = 1000;

    private final ConnectionRegistry connections;
    private final RoomRegistry registry;
    private final FrameEncoder encoder;
    private final Ids ids;
    private final FiguresElsewhere elsewhere;
    @Resource
    ManagedScheduledExecutorService scheduler;

    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile long lastSentMillis;

    @Inject
    public StatusPublisher(ConnectionRegistry connections, RoomRegistry registry, FrameEncoder encoder, Ids ids,
                           FiguresElsewhere elsewhere) {
        this.connections = connections;
        this.registry = registry;
        this.encoder = encoder;
        this.ids = ids;
        this.elsewhere = elsewhere;
    }

    /** For the CDI client proxy only. */
    protected StatusPublisher() {
        this(null, null, null, null, null);
    }

    /** The figures changed; a status frame will follow within a second. */
    @Override
    public void changed() {
        if (pending.compareAndSet(false, true)) {
            long wait = Math.max(0, lastSentMillis + MIN_GAP_MILLIS - System.currentTimeMillis());
            scheduler.schedule(this::publish, wait, TimeUnit.MILLISECONDS);
        }
    }

    /** Sends the current figures to one newly opened status session. */
    public void sendTo(Connection connection) {
        connection.send(currentFrame());
    }

    public ServerFrames.Status current() {
        ClusterFigures figures = figures();
        return new ServerFrames.Status(figures.connections(), figures.rooms().size(), System.currentTimeMillis(),
                figures.instances());
    }

    /** Connections and rooms of every instance; on a single server, of this one. */
    public ClusterFigures figures() {
        int local = connections.size();
        List<ServerFrames.InstanceFigure> instances = new ArrayList<>();
        instances.add(new ServerFrames.InstanceFigure(ids.instance(), local));
        Map<Integer, Integer> sizes = new TreeMap<>(registry.sizes());
        elsewhere.sizes().forEach((room, n) -> sizes.merge(room, n, Integer::sum));
        instances.addAll(elsewhere.instances());
        return new ClusterFigures(local + elsewhere.connections(), sizes, instances);
    }

    private OutboundFrame currentFrame() {
        return new OutboundFrame.Text(encoder.encode(current()));
    }

    private void publish() {
        pending.set(false);
        lastSentMillis = System.currentTimeMillis();
        elsewhere.tell(connections.size());
        OutboundFrame frame = currentFrame();
        for (Connection connection : connections.all()) {
            if (connection.kind() == ConnectionKind.STATUS) {
                connection.send(frame);
            }
        }
    }
}
