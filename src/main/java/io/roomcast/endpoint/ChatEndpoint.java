package io.roomcast.endpoint;

import io.roomcast.connection.CloseReasons;
import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.handshake.RoomcastConfigurator;
import io.roomcast.protocol.ClientFrameDecoder;
import io.roomcast.room.RoomRegistry;
import io.roomcast.room.RoomService;
import jakarta.inject.Inject;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;

/**
 * {@code /ws/chat/{roomId}}: plain-text room chat (PROTOCOL 3.1). Connecting joins the room; text is
 * broadcast as {@code Room {roomId}: {text}}, binary frames are relayed unchanged. Frames over the
 * rate are dropped silently, since an error frame would corrupt the text stream.
 */
@ServerEndpoint(value = "/ws/chat/{roomId}", configurator = RoomcastConfigurator.class)
public class ChatEndpoint extends LifecycleEndpoint {

    @Inject
    RoomService rooms;

    /**
     * Connecting joins the room. The handshake refused a room the cap had no slot for, but another
     * connection may have taken the last slot since: then the session is closed with 1013
     * {@code too many rooms}, the WebSocket counterpart of the handshake's 429.
     */
    @OnOpen
    public void open(Session session, @PathParam("roomId") String roomId) {
        Connection connection = lifecycle.open(session, ConnectionKind.CHAT);
        RoomRegistry.Change change = rooms.join(connection, ClientFrameDecoder.parseId(roomId));
        if (change.refusal() == RoomRegistry.Refusal.ROOMS) {
            lifecycle.drop(connection, CloseReasons.TOO_MANY_ROOMS);
        }
    }

    @OnMessage
    public void text(Session session, String text, @PathParam("roomId") String roomId) {
        Connection connection = lifecycle.receivedText(session, text);
        if (connection != null && lifecycle.admit(connection)) {
            rooms.publish(ClientFrameDecoder.parseId(roomId), connection.user(), text, null);
        }
    }

    @OnMessage
    public void binary(Session session, ByteBuffer bytes, @PathParam("roomId") String roomId) {
        Connection connection = lifecycle.receivedBinary(session, bytes);
        if (connection != null && lifecycle.admit(connection)) {
            rooms.relayBinary(ClientFrameDecoder.parseId(roomId), bytes);
        }
    }
}
