package io.roomcast.handshake;

import io.roomcast.connection.Identity;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

/**
 * The configurator every Roomcast endpoint shares. The decision itself is taken earlier, by
 * {@link HandshakeFilter}, where a refusal can carry an exact HTTP status on every server; here the
 * handshake is only allowed to complete when it carries the identity that decision produced.
 *
 * <p>Nothing per connection is written to {@code config.getUserProperties()}: that map belongs to the
 * endpoint's configuration and is shared by all its sessions, so concurrent handshakes would
 * overwrite each other's state. The identity reaches the session as its user principal instead.
 */
public class RoomcastConfigurator extends ServerEndpointConfig.Configurator {

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        if (!(request.getUserPrincipal() instanceof Identity)) {
            throw new IllegalStateException("WebSocket handshake reached " + config.getPath()
                    + " without passing the handshake guard");
        }
    }
}
