package io.roomcast.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.testsupport.PayaraMicroProcess;
import io.roomcast.testsupport.WsClient;
import jakarta.websocket.CloseReason;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A server stopped the way an operator stops it (SIGTERM) tells every peer 1001 "server shutting
 * down" (PROTOCOL 5). Its own Payara Micro process, since Arquillian undeploys rather than stops.
 */
class ShutdownIT {

    @Test
    void everySessionGets1001ServerShuttingDownWhenTheServerStops() throws Exception {
        try (PayaraMicroProcess server = PayaraMicroProcess.builder("shutdown-it").start()) {
            URI base = server.baseUri();
            URI chat = URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/ws/chat/7");
            URI json = URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/ws/realtime");
            try (WsClient text = WsClient.connect(chat); WsClient realtime = WsClient.connect(json)) {
                realtime.awaitJson(WsClient.type("welcome"));
                server.stop();
                for (WsClient client : new WsClient[] {text, realtime}) {
                    CloseReason reason = client.awaitClose(Duration.ofSeconds(60));
                    assertThat(reason.getCloseCode().getCode()).isEqualTo(1001);
                    assertThat(reason.getReasonPhrase()).isEqualTo("server shutting down");
                }
            }
        }
    }
}
