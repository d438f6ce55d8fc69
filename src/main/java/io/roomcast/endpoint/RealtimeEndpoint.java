package io.roomcast.endpoint;

import io.roomcast.handshake.RoomcastConfigurator;
import jakarta.websocket.server.ServerEndpoint;

/** {@code /ws/realtime}: the full JSON protocol; credentials optional. */
@ServerEndpoint(value = "/ws/realtime", configurator = RoomcastConfigurator.class)
public class RealtimeEndpoint extends JsonEndpoint {
}
