package io.roomcast.endpoint;

import io.roomcast.handshake.RoomcastConfigurator;
import io.roomcast.handshake.Route;
import jakarta.websocket.server.ServerEndpoint;

/** {@code /ws/realtime}: the full JSON protocol; credentials optional. */
@ServerEndpoint(value = Route.Paths.REALTIME, configurator = RoomcastConfigurator.class)
public class RealtimeEndpoint extends JsonEndpoint {
}
