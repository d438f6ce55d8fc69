package io.roomcast.cluster;

import io.roomcast.protocol.ServerFrames.InstanceFigure;
import io.roomcast.status.FiguresElsewhere;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;

/** The status stream's view of the other instances, and its beat on the bus when the count changed. */
@ApplicationScoped
public class ClusterFiguresAdapter implements FiguresElsewhere {

    private final ClusterBus bus;
    private final RemoteMembers remote;
    private volatile int lastPublishedConnections = -1;

    @Inject
    public ClusterFiguresAdapter(ClusterBus bus, RemoteMembers remote) {
        this.bus = bus;
        this.remote = remote;
    }

    /** For the CDI client proxy only. */
    protected ClusterFiguresAdapter() {
        this(null, null);
    }

    @Override
    public int connections() {
        return remote.connections();
    }

    @Override
    public Map<Integer, Integer> sizes() {
        return remote.sizes();
    }

    @Override
    public List<InstanceFigure> instances() {
        return remote.instances();
    }

    @Override
    public void tell(int localConnections) {
        if (bus.clustered() && localConnections != lastPublishedConnections) {
            lastPublishedConnections = localConnections;
            bus.publish(new BusEvent.Figures(localConnections));
        }
    }
}
