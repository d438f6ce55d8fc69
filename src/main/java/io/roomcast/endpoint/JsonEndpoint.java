package io.roomcast.endpoint;

import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.session.JsonProtocol;
import jakarta.inject.Inject;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;

/**
 * The frame handling the three JSON endpoints share; each subclass only names its path.
 */
public abstract class JsonEndpoint extends LifecycleEndpoint {

    @Inject
    JsonProtocol protocol;

    @OnOpen
    public void open(Session session) {
        Connection connection = lifecycle.open(session, ConnectionKind.JSON);
        if (connection != null) {
            protocol.welcome(connection);
        }
    }

    @OnMessage
    public void text(Session session, String text) {
        Connection connection = lifecycle.receivedText(session, text);
        if (connection != null) {
            protocol.onText(connection, text);
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
