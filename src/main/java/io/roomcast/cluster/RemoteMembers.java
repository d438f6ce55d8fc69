package io.roomcast.cluster;

import io.roomcast.protocol.ServerFrames.InstanceFigure;
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
 * <p>Only the bus listener writes (one origin's events arrive in order); anyone reads.
 */
@ApplicationScoped
public class RemoteMembers {

    /** One room membership that an instance had when it was lost. */
    public record Departure(int room, String user) {
    }

    private static final class View {
        final String member;
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
    /** Instances that said goodbye or were lost: late events of theirs must not bring them back. */
    private final Set<String> gone = ConcurrentHashMap.newKeySet();

    /** False for an instance already gone, whose events are to be ignored. */
    public boolean isLive(Origin origin) {
        return !gone.contains(origin.instance());
    }

    public void joined(Origin origin, int room, String connectionId, String user) {
        view(origin).rooms.computeIfAbsent(room, k -> new ConcurrentHashMap<>()).put(connectionId, user);
    }

    public void left(Origin origin, int room, String connectionId) {
        view(origin).rooms.computeIfPresent(room, (k, members) -> {
            members.remove(connectionId);
            return members.isEmpty() ? null : members;
        });
    }

    public void client(Origin origin, String connectionId, int clientId, boolean online) {
        if (online) {
            view(origin).online(connectionId, clientId);
        } else {
            view(origin).offline(connectionId);
        }
    }

    public void figures(Origin origin, int connections) {
        view(origin).connections = connections;
    }

    /** Replaces everything known about the origin by its snapshot. */
    public void replace(Origin origin, BusEvent.Snapshot snapshot) {
        View view = new View(origin.member());
        view.connections = snapshot.connections();
        for (BusEvent.Membership m : snapshot.memberships()) {
            view.rooms.computeIfAbsent(m.room(), k -> new ConcurrentHashMap<>()).put(m.connectionId(), m.user());
        }
        for (BusEvent.ClientSession c : snapshot.clients()) {
            view.online(c.connectionId(), c.clientId());
        }
        instances.put(origin.instance(), view);
    }

    /** Forgets an instance that said goodbye; returns the room memberships it had. */
    public List<Departure> forget(String instance) {
        gone.add(instance);
        View view = instances.remove(instance);
        return view == null ? List.of() : departures(view);
    }

    /** Forgets every instance of a lost cluster member; returns the room memberships they had. */
    public List<Departure> forgetMember(String member) {
        List<Departure> departures = new ArrayList<>();
        instances.forEach((instance, view) -> {
            if (view.member.equals(member)) {
                departures.addAll(forget(instance));
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

    private View view(Origin origin) {
        return instances.computeIfAbsent(origin.instance(), k -> new View(origin.member()));
    }

    private static List<Departure> departures(View view) {
        List<Departure> departures = new ArrayList<>();
        new TreeMap<>(view.rooms).forEach((room, members) ->
                members.values().forEach(user -> departures.add(new Departure(room, user))));
        return departures;
    }
}
