package io.roomcast.room;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.Ids;
import io.roomcast.observability.RoomcastMetrics;
import io.roomcast.protocol.FrameEncoder;
import io.roomcast.scheduling.ApplicationScheduler;
import io.roomcast.stream.MemoryStreams;

/** The room feature of a single server wired by hand, as CDI wires it, with in-memory streams. */
public record SingleServerRooms(Rooms rooms, RoomSequencers sequencers, MemoryStreams store, LocalDelivery local,
                                Broadcast broadcast) {

    /** Nobody is held by another instance. */
    public static SingleServerRooms of(RoomRegistry registry, ConnectionRegistry connections, RoomcastSettings settings,
                                       Replication replication) {
        return of(registry, connections, settings, replication, new NobodyElsewhere());
    }

    public static SingleServerRooms of(RoomRegistry registry, ConnectionRegistry connections, RoomcastSettings settings,
                                       Replication replication, MembersElsewhere elsewhere) {
        FrameEncoder encoder = new FrameEncoder();
        LocalDelivery local = new LocalDelivery(registry, connections, encoder, new RoomcastMetrics());
        MemoryStreams store = new MemoryStreams(settings.historySize(), settings.historyTtl().toNanos(),
                settings.historyMaxBytes(), room -> registry.memberCount(room) > 0, System::nanoTime);
        Broadcast broadcast = new Broadcast(local, replication);
        Membership membership = new Membership(registry, settings, elsewhere, broadcast, () -> { });
        RoomSequencers sequencers = new RoomSequencers(store, local, registry, encoder, settings, membership,
                new ApplicationScheduler(), new RoomcastMetrics()); // its daemon lane lives as long as the test JVM, as before
        Rooms rooms = new Rooms(membership, sequencers, store, replication, broadcast,
                new DirectService(connections, broadcast, elsewhere), new RoomHistory(store, encoder, settings),
                new Ids());
        return new SingleServerRooms(rooms, sequencers, store, local, broadcast);
    }
}
