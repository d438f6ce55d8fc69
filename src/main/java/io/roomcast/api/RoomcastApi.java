package io.roomcast.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The small HTTP API (PROTOCOL 6) under {@code /api}. */
@ApplicationPath("/api")
public class RoomcastApi extends Application {
}
