package io.roomcast.endpoint;

import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.handshake.RoomcastConfigurator;
import io.roomcast.handshake.Route;
import io.roomcast.session.JsonProtocol;
import io.roomcast.status.StatusPublisher;
import jakarta.inject.Inject;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;

/** {@code /ws/status}: live connection figures (PROTOCOL 3.3); no welcome frame. */
@ServerEndpoint(value = Route.Paths.STATUS, configurator = RoomcastConfigurator.class)
public class StatusEndpoint extends LifecycleEndpoint {

    @Inject
    StatusPublisher status;
    @Inject
    JsonProtocol protocol;

    @OnOpen
    public void open(Session session) {
        Connection connection = lifecycle.open(session, ConnectionKind.STATUS);
        if (connection != null) {
            status.sendTo(connection);
        }
    }

    @OnMessage
    public void text(Session session, String text) {
        Connection connection = lifecycle.receivedText(session, text);
        if (connection != null) {
            protocol.onStatusText(connection, text);
        }
    }

    @OnMessage
    public void binary(Session session, ByteBuffer bytes) {
        Connection connection = lifecycle.receivedBinary(session, bytes);
        if (connection != null) {
            protocol.onBinary(connection);
        }
    }
}
