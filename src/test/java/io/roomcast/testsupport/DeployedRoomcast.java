package io.roomcast.testsupport;

import java.net.URI;

/**
 * What every integration test on a shared server has: the server of its class's {@link Profile}
 * ({@link RoomcastServer}, default {@link Profile#DEFAULTS}), reached through {@link #server}.
 * Subclasses declare {@code @RoomcastServer(Profile.X)} when they need other settings.
 */
@RoomcastServer
public abstract class DeployedRoomcast {

    /** The base URI of the application, {@code http://host:port/}. */
    protected URI base;
    protected Server server;

    void attach(Server shared) {
        this.server = shared;
        this.base = shared.base();
    }
}
