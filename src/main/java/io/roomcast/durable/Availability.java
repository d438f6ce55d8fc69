package io.roomcast.durable;

import io.roomcast.stream.StreamUnavailableException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Whether the database answered lately (PROTOCOL 14): after a failure the store refuses at once, rather
 * than keep every caller waiting for a connection timeout, until the upkeep's probe or a write succeeds.
 * Readiness follows it ({@code StreamStore.available}), so a load balancer sends new clients elsewhere
 * meanwhile; connections already open stay open.
 */
final class Availability {

    private static final Logger LOG = System.getLogger(Availability.class.getName());

    private volatile boolean up = true;

    /** What a refused operation tells the client while the database does not answer. */
    static StreamUnavailableException refusal() {
        return new StreamUnavailableException("the room store is unreachable; try again");
    }

    boolean up() {
        return up;
    }

    /**
     * A failure of the database or of the way to it (no connection, a connection lost, the server shutting
     * down or out of resources) makes the store unavailable; any other error (a statement the database
     * refused) is logged and fails only its own operation.
     */
    void failed(Exception cause) {
        if (!unreachable(cause)) {
            LOG.log(Level.WARNING, "a room store operation failed: {0}", cause.toString());
            return;
        }
        if (up) {
            up = false;
            LOG.log(Level.WARNING, "the room store (PostgreSQL) is unreachable: publishes are refused as "
                    + "unavailable until it answers again: {0}", cause.toString());
        }
    }

    static boolean unreachable(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLRecoverableException
                    || t instanceof java.sql.SQLNonTransientConnectionException || t instanceof java.net.SocketException) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08: connection exceptions; 57P: operator intervention (shutdown); 53: insufficient resources
                if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
                    return true;
                }
            }
        }
        return false;
    }

    void succeeded() {
        if (!up) {
            up = true;
            LOG.log(Level.INFO, "the room store (PostgreSQL) answers again: publishes are accepted");
        }
    }
}
