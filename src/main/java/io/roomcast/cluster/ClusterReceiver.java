package io.roomcast.cluster;

import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.Ids;
import io.roomcast.room.DirectService;
import io.roomcast.room.RoomService;
import io.roomcast.status.StatusPublisher;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ContextService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The receiving side of the bus: applies other instances' events to this instance's view of them and
 * delivers to this instance's sessions. It starts the bus when the application starts, before the
 * first connection, so no membership change of ours goes unpublished.
 */
@ApplicationScoped
public class ClusterReceiver implements BusListener {

    private static final Logger LOG = System.getLogger(ClusterReceiver.class.getName());

    @Resource
    ContextService context;
    @Inject
    ClusterBus bus;
    @Inject
    RemoteMembers remote;
    @Inject
    RoomService rooms;
    @Inject
    DirectService direct;
    @Inject
    StatusPublisher status;
    @Inject
    ConnectionRegistry registry;
    @Inject
    Ids ids;

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // The bus calls back on Hazelcast's threads, which have neither our class loader nor our JNDI
        // context: a bean first created there would get null for its @Resource fields. The contextual
        // proxy runs each call in the application's context, as if on one of its own threads.
        bus.start(context.createContextualProxy(this, BusListener.class));
        ids.clusterWideGuestNumbers(bus::uniqueNumber);
    }

    @Override
    public void received(Origin origin, BusEvent event) {
        if (!remote.isLive(origin)) {
            return; // a straggler from an instance already gone
        }
        if (event instanceof BusEvent.Message m) {
            rooms.deliver(m);
        } else if (event instanceof BusEvent.Binary b) {
            rooms.deliverBinary(b.room(), b.bytes());
        } else if (event instanceof BusEvent.Presence p) {
            if (p.joined()) {
                remote.joined(origin, p.room(), p.connectionId(), p.user());
            } else {
                remote.left(origin, p.room(), p.connectionId());
            }
            rooms.deliverPresence(p.room(), p.joined(), p.user(), p.members());
            status.changed();
        } else if (event instanceof BusEvent.Direct d) {
            direct.deliver(d.to(), d.from(), d.text(), d.timestamp());
        } else if (event instanceof BusEvent.Client c) {
            remote.client(origin, c.connectionId(), c.clientId(), c.online());
        } else if (event instanceof BusEvent.Figures f) {
            remote.figures(origin, f.connections());
            status.changed();
        } else if (event instanceof BusEvent.SyncRequest) {
            remote.figures(origin, 0); // a new instance: it shows in the figures at once
            LOG.log(Level.INFO, "instance {0} on member {1} joined the cluster", origin.instance(), origin.member());
            status.changed();
        } else if (event instanceof BusEvent.Snapshot s) {
            remote.replace(origin, s);
            status.changed();
        } else if (event instanceof BusEvent.Goodbye) {
            LOG.log(Level.INFO, "instance {0} is shutting down", origin.instance());
            departed(remote.forget(origin.instance()));
        }
    }

    @Override
    public void memberLost(String member) {
        List<RemoteMembers.Departure> departures = remote.forgetMember(member);
        LOG.log(Level.INFO, "cluster member {0} lost: {1} room membership(s) leave", member, departures.size());
        departed(departures);
    }

    @Override
    public BusEvent.Snapshot snapshot() {
        List<BusEvent.Membership> memberships = new ArrayList<>();
        List<BusEvent.ClientSession> clients = new ArrayList<>();
        for (Connection connection : registry.all()) {
            for (Integer room : connection.rooms()) {
                memberships.add(new BusEvent.Membership(room, connection.id(), connection.user()));
            }
            Integer clientId = connection.identity().clientId();
            if (clientId != null) {
                clients.add(new BusEvent.ClientSession(connection.id(), clientId));
            }
        }
        return new BusEvent.Snapshot(registry.size(), memberships, clients);
    }

    /**
     * The members of a vanished instance leave every room they were in, as if each had closed: the
     * count in each presence falls one by one to what remains.
     */
    private void departed(List<RemoteMembers.Departure> departures) {
        Map<Integer, List<String>> byRoom = new LinkedHashMap<>();
        for (RemoteMembers.Departure d : departures) {
            byRoom.computeIfAbsent(d.room(), k -> new ArrayList<>()).add(d.user());
        }
        byRoom.forEach((room, users) -> {
            int remaining = rooms.members(room) + users.size();
            for (String user : users) {
                rooms.deliverPresence(room, false, user, --remaining);
            }
        });
        status.changed();
    }
}
