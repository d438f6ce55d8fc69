package io.roomcast.durable;

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

    boolean up() {
        return up;
    }

    void failed(Exception cause) {
        if (up) {
            up = false;
            LOG.log(Level.WARNING, "the room store (PostgreSQL) is unreachable: publishes are refused as "
                    + "unavailable until it answers again: {0}", cause.toString());
        }
    }

    void succeeded() {
        if (!up) {
            up = true;
            LOG.log(Level.INFO, "the room store (PostgreSQL) answers again: publishes are accepted");
        }
    }
}
