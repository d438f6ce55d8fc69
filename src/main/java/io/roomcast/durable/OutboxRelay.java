package io.roomcast.durable;

import io.roomcast.connection.Ids;
import io.roomcast.room.EventSink;
import io.roomcast.scheduling.ApplicationScheduler;
import io.roomcast.stream.StreamStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Starts the outbox relay (PROTOCOL 14) when the application starts, if the rooms' streams are in
 * PostgreSQL: what it moves into a room's stream goes to this instance's members in offset order, like
 * a message another instance published.
 */
@ApplicationScoped
public class OutboxRelay {

    private final StreamStore store;
    private final DurableStore durable;
    private final EventSink eventSink;
    private final Ids ids;
    private final ApplicationScheduler scheduler;

    @Inject
    public OutboxRelay(StreamStore store, DurableStore durable, EventSink eventSink, Ids ids,
                       ApplicationScheduler scheduler) {
        this.scheduler = scheduler;
        this.store = store;
        this.durable = durable;
        this.eventSink = eventSink;
        this.ids = ids;
    }

    /** For the CDI client proxy only. */
    protected OutboxRelay() {
        this(null, null, null, null, null);
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        store.enabled(); // the store is made on first use: make it now
        durable.streams().ifPresent(streams ->
                streams.relayOutbox(ids::messageId, eventSink::deliver, scheduler.lane("outbox")));
    }
}
