package io.roomcast.room;

import io.roomcast.room.event.RoomEvent;
import io.roomcast.stream.Appended;
import io.roomcast.stream.StreamStore;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/**
 * The fan-out port's composition. A room message is put into its room's stream first ({@link StreamStore}:
 * its epoch and offset, once, whichever instance received it), then delivered to this instance's
 * members in offset order ({@link RoomSequencers}), then replicated to the other instances. Other events
 * are delivered at once and replicated in the same order.
 */
@Dependent
public class FanOutPort implements FanOut {

    private final StreamStore store;
    private final RoomSequencers sequencers;
    private final LocalDelivery local;
    private final Replication replication;

    @Inject
    public FanOutPort(StreamStore store, RoomSequencers sequencers, LocalDelivery local, Replication replication) {
        this.store = store;
        this.sequencers = sequencers;
        this.local = local;
        this.replication = replication;
    }

    @Override
    public void publish(RoomEvent event) {
        local.deliver(event);
        replication.replicate(event);
        if (event instanceof RoomEvent.Presence p && !p.joined() && p.connectionId() != null) {
            sequencers.left(p.room());
        }
    }

    @Override
    public RoomEvent.Message publish(Publication publication) {
        Appended appended = store.append(publication.message(), publication.dedupKey());
        RoomEvent.Message placed = appended.message();
        if (appended.duplicate()) {
            sequencers.ack(publication.ackTo(), publication.message().ref(), placed);
            return placed;
        }
        sequencers.deliver(placed, publication.ackTo());
        replication.replicate(placed);
        return placed;
    }
}
