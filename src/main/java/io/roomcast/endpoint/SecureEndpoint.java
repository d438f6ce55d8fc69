package io.roomcast.endpoint;

import io.roomcast.handshake.RoomcastConfigurator;
import io.roomcast.handshake.Route;
import jakarta.websocket.server.ServerEndpoint;

/**
 * {@code /ws/secure/{clientId}}: the JSON protocol bound to a numeric client id, which receives direct
 * messages. The handshake guard has validated the id and put it into the session's identity.
 */
@ServerEndpoint(value = Route.Paths.SECURE, configurator = RoomcastConfigurator.class)
public class SecureEndpoint extends JsonEndpoint {
}
