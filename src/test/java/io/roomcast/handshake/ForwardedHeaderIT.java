package io.roomcast.handshake;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.WsClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Behind a trusted proxy that writes RFC 7239 {@code Forwarded} ({@code roomcast.proxy.header=forwarded}):
 * connections through 127.0.0.1 come from that proxy.
 */
@RoomcastServer(Profile.DEV_MODE_FORWARDED)
class ForwardedHeaderIT extends DeployedRoomcast {

    @Test
    void forwardedForGivesTheClientAddress() throws Exception {
        try (WsClient client = WsClient.connect(server.ws("127.0.0.1", "ws/realtime"),
                Map.of("Forwarded", "for=\"[2001:db8::7]:443\""))) {
            assertThat(client.awaitJson(type("welcome")).getString("address")).isEqualTo("2001:db8:0:0:0:0:0:7");
        }
    }

    @Test
    void theClientsOwnXForwardedForIsIgnored() throws Exception {
        // This proxy writes Forwarded and passes X-Forwarded-For on as the client wrote it.
        try (WsClient client = WsClient.connect(server.ws("127.0.0.1", "ws/realtime"),
                Map.of("X-Forwarded-For", "203.0.113.66", "Forwarded", "for=198.51.100.9"))) {
            assertThat(client.awaitJson(type("welcome")).getString("address")).isEqualTo("198.51.100.9");
        }
    }

    @Test
    void forwardedProtoHttpsMakesAnHttpsOriginTheSameOrigin() throws Exception {
        Map<String, String> viaTls = Map.of("Host", "chat.roomcast.test", "Origin", "https://chat.roomcast.test",
                "Forwarded", "for=198.51.100.9;proto=https");
        RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("127.0.0.1", "ws/chat/7"), viaTls);
        assertThat(answer.status()).as(answer.body()).isEqualTo(101);
        answer.socket().close();

        Map<String, String> wrongHeader = Map.of("Host", "chat.roomcast.test", "Origin", "https://chat.roomcast.test",
                "X-Forwarded-Proto", "https");
        assertThat(RawWebSocket.handshake(server.ws("127.0.0.1", "ws/chat/7"), wrongHeader).status()).isEqualTo(403);
    }
}
