package io.roomcast.handshake;

import io.roomcast.connection.Identity;
import jakarta.enterprise.inject.spi.Unmanaged;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The configurator every Roomcast endpoint shares. The decision itself is taken earlier, by
 * {@link HandshakeFilter}, where a refusal can carry an exact HTTP status on every server; here the
 * handshake is only allowed to complete when it carries the identity that decision produced.
 *
 * <p>Nothing per connection is written to {@code config.getUserProperties()}: that map belongs to the
 * endpoint's configuration and is shared by all its sessions, so concurrent handshakes would
 * overwrite each other's state. The identity reaches the session as its user principal instead.
 *
 * <p>All sessions of an endpoint share one endpoint instance, injected once: endpoints keep no
 * per-connection state (it lives in the session's user properties), and a CDI injection target per
 * connection was a measurable part of every handshake (docs/BENCHMARKS.md, "Decisions behind the code").
 */
public class RoomcastConfigurator extends ServerEndpointConfig.Configurator {

    private final ConcurrentMap<Class<?>, Object> endpoints = new ConcurrentHashMap<>();

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        return endpointClass.cast(endpoints.computeIfAbsent(endpointClass, RoomcastConfigurator::injected));
    }

    private static Object injected(Class<?> endpointClass) {
        return new Unmanaged<>(endpointClass).newInstance().produce().inject().postConstruct().get();
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        if (!(request.getUserPrincipal() instanceof Identity)) {
            throw new IllegalStateException("WebSocket handshake reached " + config.getPath()
                    + " without passing the handshake guard");
        }
    }
}
