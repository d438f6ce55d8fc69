package io.roomcast.endpoint;

import io.roomcast.handshake.RoomcastConfigurator;
import io.roomcast.handshake.Route;
import jakarta.websocket.server.ServerEndpoint;

/** {@code /ws/auth}: the JSON protocol for header- or access_token-authenticated clients. */
@ServerEndpoint(value = Route.Paths.AUTH, configurator = RoomcastConfigurator.class)
public class AuthEndpoint extends JsonEndpoint {
}
