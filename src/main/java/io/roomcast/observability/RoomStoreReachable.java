package io.roomcast.observability;

import io.roomcast.stream.StreamStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The rooms' store takes publishes (PROTOCOL 14): false while the durable store's database does not
 * answer, so new clients go to an instance that can serve them; always true for the memory store.
 */
@ApplicationScoped
public class RoomStoreReachable implements ReadinessCondition {

    private final StreamStore store;

    @Inject
    public RoomStoreReachable(StreamStore store) {
        this.store = store;
    }

    /** For the CDI client proxy only. */
    protected RoomStoreReachable() {
        this(null);
    }

    @Override
    public String name() {
        return "room-store";
    }

    @Override
    public boolean met() {
        return store.available();
    }
}
