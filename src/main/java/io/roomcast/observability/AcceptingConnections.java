package io.roomcast.observability;

import io.roomcast.connection.ConnectionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Not draining for shutdown: the instance still accepts connections (PROTOCOL 13.11). */
@ApplicationScoped
public class AcceptingConnections implements ReadinessCondition {

    private final ConnectionRegistry connections;

    @Inject
    public AcceptingConnections(ConnectionRegistry connections) {
        this.connections = connections;
    }

    /** For the CDI client proxy only. */
    protected AcceptingConnections() {
        this(null);
    }

    @Override
    public String name() {
        return "accepting-connections";
    }

    @Override
    public boolean met() {
        return connections.accepting();
    }
}
