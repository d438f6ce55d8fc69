package io.roomcast.durable;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The PostgreSQL streams this instance runs, if any: the producer that makes the {@code StreamStore}
 * records it here, so that beans needing more than the store's interface (the outbox relay) reach it
 * without unwrapping a client proxy.
 */
@ApplicationScoped
public class DurableStore {

    private volatile PostgresStreams streams;

    public void started(PostgresStreams started) {
        this.streams = started;
    }

    public Optional<PostgresStreams> streams() {
        return Optional.ofNullable(streams);
    }
}
