package io.roomcast.endpoint;

import io.roomcast.connection.CloseReasons;
import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.handshake.RoomcastConfigurator;
import io.roomcast.handshake.Route;
import io.roomcast.room.RoomRegistry;
import io.roomcast.room.RoomService;
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
    RoomService rooms;

    /**
     * Connecting joins the room. The handshake refused a room the cap had no slot for, but another
     * connection may have taken the last slot since: then the session is closed with 1013
     * {@code too many rooms}, the WebSocket counterpart of the handshake's 429.
     */
    @OnOpen
    public void open(Session session) {
        Connection connection = lifecycle.open(session, ConnectionKind.CHAT);
        RoomRegistry.Change change = rooms.join(connection, connection.identity().room().value());
        if (change.refusal() == RoomRegistry.Refusal.ROOMS) {
            lifecycle.drop(connection, CloseReasons.TOO_MANY_ROOMS);
        }
    }

    @OnMessage
    public void text(Session session, String text) {
        Connection connection = lifecycle.receivedText(session, text);
        if (connection != null && lifecycle.admit(connection)) {
            rooms.publish(connection.identity().room().value(), connection.user(), text, null);
        }
    }

    @OnMessage
    public void binary(Session session, ByteBuffer bytes) {
        Connection connection = lifecycle.receivedBinary(session, bytes);
        if (connection != null && lifecycle.admit(connection)) {
            rooms.relayBinary(connection.identity().room().value(), bytes);
        }
    }
}
