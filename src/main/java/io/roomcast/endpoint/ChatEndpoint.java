package io.roomcast.endpoint;

import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.handshake.RoomcastConfigurator;
import io.roomcast.handshake.Route;
import io.roomcast.session.ChatProtocol;
import jakarta.inject.Inject;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;

/**
 * {@code /ws/chat/{roomId}}: plain-text room chat (PROTOCOL 3.1). The room was parsed by the handshake
 * and travels in the connection's identity: no frame parses the path again. Connecting joins the room; text is
 * broadcast as {@code Room {roomId}: {text}}, binary frames are relayed unchanged. Frames over the
 * rate are dropped silently, since an error frame would corrupt the text stream.
 */
@ServerEndpoint(value = Route.Paths.CHAT, configurator = RoomcastConfigurator.class)
public class ChatEndpoint extends LifecycleEndpoint {

    @Inject
    ChatProtocol chat;

    @OnOpen
    public void open(Session session) {
        Connection connection = lifecycle.open(session, ConnectionKind.CHAT);
        if (connection != null) {
            chat.opened(connection);
        }
    }

    @OnMessage
    public void text(Session session, String text) {
        Connection connection = lifecycle.receivedText(session, text);
        if (connection != null) {
            chat.onText(connection, text);
        }
    }

    @OnMessage
    public void binary(Session session, ByteBuffer bytes) {
        Connection connection = lifecycle.receivedBinary(session, bytes);
        if (connection != null) {
            chat.onBinary(connection, bytes);
        }
    }
}
