package io.roomcast.cluster;

import io.roomcast.protocol.ServerFrames.InstanceFigure;
import io.roomcast.room.MembersElsewhere;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this instance knows about the connections of the other instances: who is in which room, which
 * client ids are connected where, and how many connections each has. It is kept per connection id, so
 * applying an event twice, or a snapshot that already contains an event, changes nothing.
 *
 * <p>Only the bus listener writes (one origin's events arrive in order; writes are serialized so that
 * an instance being forgotten is not brought back by an event of it handled at the same time); anyone
 * reads, without locking.
 */
@ApplicationScoped
public class RemoteMembers implements MembersElsewhere {

    /** One room membership that an instance had when it was lost (or, in a {@link Resync}, gained). */
    public record Departure(int room, String user) {
    }

    /** What a snapshot changed: the room memberships that arrived and those that departed. */
    public record Resync(List<Departure> arrivals, List<Departure> departures) {
    }

    private static final class View {
        /** The Hazelcast member the instance runs on; a new UUID after that member merged back. */
        volatile String member;
        volatile int connections;
        final Map<Integer, Map<String, String>> rooms = new ConcurrentHashMap<>();   // room -> connection -> user
        final Map<String, Integer> clients = new ConcurrentHashMap<>();              // connection -> client id
        final Map<Integer, Integer> clientCounts = new ConcurrentHashMap<>();        // client id -> connections

        void online(String connectionId, int clientId) {
            if (clients.put(connectionId, clientId) == null) {
                clientCounts.merge(clientId, 1, Integer::sum);
            }
        }

        void offline(String connectionId) {
            Integer clientId = clients.remove(connectionId);
            if (clientId != null) {
                clientCounts.computeIfPresent(clientId, (k, n) -> n <= 1 ? null : n - 1);
            }
        }

        View(String member) {
            this.member = member;
        }
    }

    private final Map<String, View> instances = new ConcurrentHashMap<>();
    /** Instances that said goodbye: they never come back (a redeployment is a new instance name). */
    private final Set<String> departed = ConcurrentHashMap.newKeySet();
    /**
     * Instances whose member Hazelcast removed (a crash, a partition, a long pause), with when this
     * instance last asked them to resync: they may come back, and their snapshot takes them back.
     */
    private final Map<String, Long> lost = new ConcurrentHashMap<>();

    /** False for an instance gone (said goodbye, or lost and not back yet), whose events are ignored. */
    public boolean isLive(Origin origin) {
        return !departed.contains(origin.instance()) && !lost.containsKey(origin.instance());
    }

    /** True for an instance that said goodbye: nothing of it is taken any more, not even a snapshot. */
    public boolean hasDeparted(Origin origin) {
        return departed.contains(origin.instance());
    }

    /** True for an instance that was lost with its member and whose snapshot has not come since. */
    public boolean isLost(Origin origin) {
        return lost.containsKey(origin.instance());
    }

    /**
     * Whether to ask a lost instance, whose event just came, to resync: at most once per {@code gap},
     * so a stream of its events costs one request, and a request that went astray is repeated.
     */
    public boolean resyncDue(Origin origin, long nowNanos, long gapNanos) {
        boolean[] due = {false};
        lost.computeIfPresent(origin.instance(), (k, asked) -> {
            if (asked == 0 || nowNanos - asked >= gapNanos) {
                due[0] = true;
                return nowNanos == 0 ? 1 : nowNanos;
            }
            return asked;
        });
        return due[0];
    }

    /** True when the membership is new here (not known from an earlier event or a snapshot). */
    public synchronized boolean joined(Origin origin, int room, String connectionId, String user) {
        View view = view(origin);
        return view != null
                && view.rooms.computeIfAbsent(room, k -> new ConcurrentHashMap<>()).put(connectionId, user) == null;
    }

    /** True when the membership was known here. */
    public synchronized boolean left(Origin origin, int room, String connectionId) {
        View view = view(origin);
        if (view == null) {
            return false;
        }
        boolean[] removed = {false};
        view.rooms.computeIfPresent(room, (k, members) -> {
            removed[0] = members.remove(connectionId) != null;
            return members.isEmpty() ? null : members;
        });
        return removed[0];
    }

    public synchronized void client(Origin origin, String connectionId, int clientId, boolean online) {
        View view = view(origin);
        if (view == null) {
            return;
        }
        if (online) {
            view.online(connectionId, clientId);
        } else {
            view.offline(connectionId);
        }
    }

    /** Makes a view for a live origin not known yet (with no connections); true when it was new. */
    public synchronized boolean seen(Origin origin) {
        boolean known = instances.containsKey(origin.instance());
        return view(origin) != null && !known;
    }

    public synchronized void figures(Origin origin, int connections) {
        View view = view(origin);
        if (view != null) {
            view.connections = connections;
        }
    }

    /**
     * Replaces everything known about the origin by its snapshot, which also takes back an instance
     * that was lost (its member is in the cluster again after a partition or a long pause). Returns the
     * room memberships that came and went with it; nothing for an instance that said goodbye.
     */
    public synchronized Resync replace(Origin origin, BusEvent.Snapshot snapshot) {
        if (departed.contains(origin.instance())) {
            return new Resync(List.of(), List.of());
        }
        lost.remove(origin.instance());
        View view = new View(origin.member());
        view.connections = snapshot.connections();
        for (BusEvent.Membership m : snapshot.memberships()) {
            view.rooms.computeIfAbsent(m.room(), k -> new ConcurrentHashMap<>()).put(m.connectionId(), m.user());
        }
        for (BusEvent.ClientSession c : snapshot.clients()) {
            view.online(c.connectionId(), c.clientId());
        }
        View before = instances.put(origin.instance(), view);
        return new Resync(difference(view, before), difference(before, view));
    }

    /** Forgets an instance that said goodbye, for good; returns the room memberships it had. */
    public synchronized List<Departure> forget(String instance) {
        departed.add(instance);
        lost.remove(instance);
        View view = instances.remove(instance);
        return view == null ? List.of() : departures(view);
    }

    /**
     * Forgets every instance of a cluster member Hazelcast removed; returns the room memberships they
     * had. They stay lost until a snapshot of theirs comes: the member may come back.
     */
    public synchronized List<Departure> forgetMember(String member) {
        List<Departure> departures = new ArrayList<>();
        instances.forEach((instance, view) -> {
            if (view.member.equals(member)) {
                lost.put(instance, 0L);
                instances.remove(instance);
                departures.addAll(departures(view));
            }
        });
        return departures;
    }

    /** Members of the room on other instances. */
    public int members(int room) {
        int n = 0;
        for (View view : instances.values()) {
            Map<String, String> members = view.rooms.get(room);
            if (members != null) {
                n += members.size();
            }
        }
        return n;
    }

    /** Member counts by room on other instances, in room order. */
    public Map<Integer, Integer> sizes() {
        Map<Integer, Integer> sizes = new TreeMap<>();
        for (View view : instances.values()) {
            view.rooms.forEach((room, members) -> {
                if (!members.isEmpty()) {
                    sizes.merge(room, members.size(), Integer::sum);
                }
            });
        }
        return sizes;
    }

    public boolean hasClient(int clientId) {
        for (View view : instances.values()) {
            if (view.clientCounts.containsKey(clientId)) {
                return true;
            }
        }
        return false;
    }

    public int connections() {
        int n = 0;
        for (View view : instances.values()) {
            n += view.connections;
        }
        return n;
    }

    /** The other instances and their connection counts, by instance name. */
    public List<InstanceFigure> instances() {
        List<InstanceFigure> rows = new ArrayList<>();
        new TreeMap<>(instances).forEach((name, view) -> rows.add(new InstanceFigure(name, view.connections)));
        return Collections.unmodifiableList(rows);
    }

    /** The origin's view, made on its first event; null for a gone instance, which gets none. */
    private View view(Origin origin) {
        if (!isLive(origin)) {
            return null;
        }
        View view = instances.computeIfAbsent(origin.instance(), k -> new View(origin.member()));
        view.member = origin.member();
        return view;
    }

    /** The memberships in {@code a} that are not in {@code b}, by connection id. */
    private static List<Departure> difference(View a, View b) {
        if (a == null) {
            return List.of();
        }
        List<Departure> missing = new ArrayList<>();
        new TreeMap<>(a.rooms).forEach((room, members) -> members.forEach((connection, user) -> {
            Map<String, String> there = b == null ? null : b.rooms.get(room);
            if (there == null || !there.containsKey(connection)) {
                missing.add(new Departure(room, user));
            }
        }));
        return missing;
    }

    private static List<Departure> departures(View view) {
        List<Departure> departures = new ArrayList<>();
        new TreeMap<>(view.rooms).forEach((room, members) ->
                members.values().forEach(user -> departures.add(new Departure(room, user))));
        return departures;
    }
}
