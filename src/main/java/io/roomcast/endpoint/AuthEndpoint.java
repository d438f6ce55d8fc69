package io.roomcast.endpoint;

import io.roomcast.handshake.RoomcastConfigurator;
import jakarta.websocket.server.ServerEndpoint;

/** {@code /ws/auth}: the JSON protocol for header- or access_token-authenticated clients. */
@ServerEndpoint(value = "/ws/auth", configurator = RoomcastConfigurator.class)
public class AuthEndpoint extends JsonEndpoint {
}
