package io.roomcast.cluster;

import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.Ids;
import io.roomcast.room.EventSink;
import io.roomcast.room.event.RoomEvent;
import io.roomcast.room.Rooms;
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
import java.util.concurrent.TimeUnit;

/**
 * The receiving side of the bus: applies other instances' events to this instance's view of them and
 * delivers to this instance's sessions. It starts the bus when the application starts, before the
 * first connection, so no membership change of ours goes unpublished.
 */
@ApplicationScoped
public class ClusterReceiver implements BusListener {

    private static final Logger LOG = System.getLogger(ClusterReceiver.class.getName());
    /** How often a lost instance whose events keep coming is asked again to resync. */
    private static final long RESYNC_GAP_NANOS = TimeUnit.SECONDS.toNanos(5);

    @Resource
    ContextService context;
    private final ClusterBus bus;
    final RemoteMembers remote;
    private final Rooms rooms;
    /** Other instances' events go straight to this instance's connections ({@code room.RoomSequencers}), not through {@code Rooms} again. */
    private final EventSink eventSink;
    private final StatusPublisher status;
    private final ConnectionRegistry connections;
    private final Ids ids;

    @Inject
    public ClusterReceiver(ClusterBus bus, RemoteMembers remote, Rooms rooms, EventSink eventSink,
                           StatusPublisher status, ConnectionRegistry connections, Ids ids) {
        this.bus = bus;
        this.remote = remote;
        this.rooms = rooms;
        this.eventSink = eventSink;
        this.status = status;
        this.connections = connections;
        this.ids = ids;
    }

    /** For the CDI client proxy only. */
    protected ClusterReceiver() {
        this(null, null, null, null, null, null, null);
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // The bus calls back on Hazelcast's threads, which have neither our class loader nor our JNDI
        // context: a bean first created there would get null for its @Resource fields. The contextual
        // proxy runs each call in the application's context, as if on one of its own threads.
        bus.start(context.createContextualProxy(this, BusListener.class));
        ids.clusterWideGuestNumbers(bus::uniqueNumber);
    }

    @Override
    public void received(Origin origin, BusEvent event) {
        if (remote.hasDeparted(origin)) {
            return; // a straggler from an instance that said goodbye
        }
        if (event instanceof BusEvent.Snapshot s) {
            resynced(origin, s);
            return;
        }
        if (remote.isLost(origin)) {
            // Its member was removed and is back (a partition healed, a long pause ended), but what it
            // tells us now builds on state we dropped: ignore it until its snapshot comes, and ask for that.
            if (remote.resyncDue(origin, System.nanoTime(), RESYNC_GAP_NANOS)) {
                LOG.log(Level.INFO, "event from lost instance {0} on member {1}: asking for a resync",
                        origin.instance(), origin.member());
                bus.publish(new BusEvent.SyncRequest());
            }
            return;
        }
        if (event instanceof BusEvent.Message m) {
            eventSink.deliver(m.message());
        } else if (event instanceof BusEvent.Binary b) {
            eventSink.deliver(new RoomEvent.Binary(b.room(), b.bytes()));
        } else if (event instanceof BusEvent.Presence p) {
            boolean changed = p.joined()
                    ? remote.joined(origin, p.room(), p.connectionId(), p.user())
                    : remote.left(origin, p.room(), p.connectionId());
            // Unchanged when a snapshot of the origin, taken just after the change, came first and was
            // announced already: the members hear of it once.
            if (changed) {
                presence(p.room(), p.joined(), p.user(), p.members());
                status.changed();
            }
        } else if (event instanceof BusEvent.Direct d) {
            eventSink.deliver(new RoomEvent.Direct(d.to(), d.from(), d.text(), d.timestamp()));
        } else if (event instanceof BusEvent.Client c) {
            remote.client(origin, c.connectionId(), c.clientId(), c.online());
        } else if (event instanceof BusEvent.Figures f) {
            remote.figures(origin, f.connections());
            status.changed();
        } else if (event instanceof BusEvent.SyncRequest) {
            // (the bus answers it with our snapshot) A new instance shows in the figures at once.
            if (remote.seen(origin)) {
                LOG.log(Level.INFO, "instance {0} on member {1} joined the cluster", origin.instance(), origin.member());
                status.changed();
            } else {
                LOG.log(Level.INFO, "instance {0} on member {1} asks for a resync", origin.instance(), origin.member());
            }
        } else if (event instanceof BusEvent.Goodbye) {
            LOG.log(Level.INFO, "instance {0} is shutting down", origin.instance());
            departed(remote.forget(origin.instance()));
        }
    }

    /**
     * A snapshot replaces what this instance knew of the origin, and takes back an origin that was
     * lost. Members that arrived or departed with it are announced as presence, as if they had just
     * joined or left: after a partition healed, or after events of the origin were dropped.
     */
    private void resynced(Origin origin, BusEvent.Snapshot snapshot) {
        boolean returning = remote.isLost(origin);
        RemoteMembers.Resync change = remote.replace(origin, snapshot);
        if (returning) {
            LOG.log(Level.INFO, "instance {0} on member {1} is back: resynced from its snapshot ({2} room "
                            + "membership(s) back, {3} gone); sending ours", origin.instance(), origin.member(),
                    change.arrivals().size(), change.departures().size());
            // It may have forgotten this instance as well, and our snapshot sent when its member came
            // back may have reached it before it listened again.
            bus.publish(snapshot());
        }
        departed(change.departures());
        arrived(change.arrivals());
        // A snapshot follows a join, a healed split or an overflow of the origin's bus backlog: in the
        // last two, room messages of the origin were dropped, and nothing else would tell.
        eventSink.catchUp();
    }

    @Override
    public void memberLost(String member) {
        List<RemoteMembers.Departure> departures = remote.forgetMember(member);
        LOG.log(Level.INFO, "cluster member {0} lost: {1} room membership(s) leave", member, departures.size());
        departed(departures);
        // Messages it appended to a stream but had not yet published on the bus are only in the stream.
        eventSink.catchUp();
    }

    @Override
    public void streamAdvanced(int room, long latest) {
        eventSink.catchUp(room, latest);
    }

    @Override
    public void streamsMayHaveAdvanced() {
        eventSink.catchUp();
    }

    @Override
    public BusEvent.Snapshot snapshot() {
        List<BusEvent.Membership> memberships = new ArrayList<>();
        List<BusEvent.ClientSession> clients = new ArrayList<>();
        for (Connection connection : connections.all()) {
            for (Integer room : connection.rooms()) {
                memberships.add(new BusEvent.Membership(room, connection.id(), connection.user()));
            }
            Integer clientId = connection.identity().clientId();
            if (clientId != null) {
                clients.add(new BusEvent.ClientSession(connection.id(), clientId));
            }
        }
        return new BusEvent.Snapshot(connections.size(), memberships, clients);
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
                presence(room, false, user, --remaining);
            }
        });
        status.changed();
    }

    /** Members of another instance that this instance did not know of: the count rises one by one. */
    private void arrived(List<RemoteMembers.Departure> arrivals) {
        Map<Integer, List<String>> byRoom = new LinkedHashMap<>();
        for (RemoteMembers.Departure a : arrivals) {
            byRoom.computeIfAbsent(a.room(), k -> new ArrayList<>()).add(a.user());
        }
        byRoom.forEach((room, users) -> {
            int count = rooms.members(room) - users.size();
            for (String user : users) {
                presence(room, true, user, ++count);
            }
        });
        status.changed();
    }

    /** Presence of a member of another instance: no connection of this instance is the one it is about. */
    private void presence(int room, boolean joined, String user, int members) {
        eventSink.deliver(new RoomEvent.Presence(room, null, user, joined, members));
    }
}
