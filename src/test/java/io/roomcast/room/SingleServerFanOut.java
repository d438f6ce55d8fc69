package io.roomcast.room;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.observability.RoomcastMetrics;
import io.roomcast.protocol.FrameEncoder;
import io.roomcast.stream.MemoryStreams;

/** The fan-out port of a single server wired by hand, as CDI wires it, with in-memory streams. */
public record SingleServerFanOut(FanOutPort port, RoomSequencers streams, MemoryStreams store, LocalDelivery local,
                                 RoomHistory history) {

    public static SingleServerFanOut of(RoomRegistry rooms, ConnectionRegistry connections, RoomcastSettings settings,
                                        Replication replication) {
        FrameEncoder encoder = new FrameEncoder();
        LocalDelivery local = new LocalDelivery(rooms, connections, encoder, new RoomcastMetrics());
        MemoryStreams store = new MemoryStreams(settings.historySize(), settings.historyTtl().toNanos(),
                settings.historyMaxBytes(), room -> rooms.memberCount(room) > 0, System::nanoTime);
        RoomSequencers streams = new RoomSequencers(store, local, rooms, encoder, settings);
        return new SingleServerFanOut(new FanOutPort(store, streams, local, replication), streams, store, local,
                new RoomHistory(store, encoder, settings));
    }
}
