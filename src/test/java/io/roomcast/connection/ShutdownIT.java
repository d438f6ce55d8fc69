package io.roomcast.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.testsupport.LeftoverProcesses;
import io.roomcast.testsupport.PayaraMicroProcess;
import io.roomcast.testsupport.PayaraServerProcess;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.Server;
import io.roomcast.testsupport.ServerProcess;
import io.roomcast.testsupport.TargetServer;
import io.roomcast.testsupport.WildFlyProcess;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A server stopped the way an operator or an orchestrator stops it (SIGTERM) drains first, then tells
 * every peer 1001 "server shutting down" (PROTOCOL 5, 13.11). Its own server process, since
 * Arquillian undeploys rather than stops and only a process the test started may be signalled:
 * Payara Micro, or in the WildFly suite a WildFly configured with the script the README's deploy line
 * names (src/main/wildfly/roomcast.cli), as every WildFly of the suite is; this test also checks that
 * the script's settings are in the configuration the server runs. In the Payara Server pass, a domain
 * of its own.
 */
@ExtendWith(LeftoverProcesses.AtEnd.class)
class ShutdownIT {

    /**
     * Far longer than the test: the drain is ended by a second SIGTERM, so that nothing here races a
     * clock (the grace running out is the same path, ShutdownTest).
     */
    private static final String GRACE_SECONDS = "600";
    private static final Duration DRAIN_SEEN = Duration.ofSeconds(60);

    @Test
    void readinessIsDownWhileDrainingForShutdownThenEverySessionGets1001ServerShuttingDown() throws Exception {
        try (ServerProcess process = start()) {
            Server server = new Server(process.baseUri(), process.healthUri());
            assertReadiness(server, 200, "UP");
            try (WsClient text = WsClient.connect(server.ws("ws/chat/7"));
                 WsClient realtime = WsClient.connect(server.ws("ws/realtime"))) {
                realtime.awaitJson(WsClient.type("welcome"));

                process.terminate();

                await().atMost(DRAIN_SEEN).untilAsserted(() -> assertReadiness(server, 503, "DOWN"));
                // Draining: the open sessions carry on, new ones are refused until the instance is gone.
                assertThat(realtime.framesBeforePong()).isEmpty();
                RawWebSocket.Handshake refused = RawWebSocket.handshake(server.ws("ws/realtime"), Map.of());
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.headers()).containsEntry("retry-after", "1");
                assertThat(WsClient.parse(refused.body()).getString("error")).isEqualTo("shutting_down");
                assertThat(text.isOpen()).isTrue();

                process.terminate(); // a second SIGTERM ends the drain

                for (WsClient client : new WsClient[] {text, realtime}) {
                    CloseReason reason = client.awaitClose(Duration.ofSeconds(60));
                    assertThat(reason.getCloseCode().getCode()).isEqualTo(1001);
                    assertThat(reason.getReasonPhrase()).isEqualTo("server shutting down");
                }
            }
            assertThat(process.awaitExit(Duration.ofSeconds(60))).as("the server stops after the drain").isTrue();
        }
    }

    /**
     * Roomcast's own readiness (every server), and on Payara also MicroProfile Health's, which is
     * served on the application's port (WildFly's health is on its management port, without
     * Roomcast's checks as shipped: docs/DEPLOYMENT.md).
     */
    private static void assertReadiness(Server server, int status, String state) throws Exception {
        HttpResponse<String> own = server.get("api/health/ready");
        assertThat(own.statusCode()).as("/api/health/ready").isEqualTo(status);
        JsonObject body = WsClient.parse(own.body());
        assertThat(body.getString("status")).isEqualTo(state);
        assertThat(body.getJsonArray("checks").getValuesAs(JsonObject.class))
                .anySatisfy(check -> {
                    assertThat(check.getString("name")).isEqualTo("accepting-connections");
                    assertThat(check.getString("status")).isEqualTo(state);
                });
        if (!TargetServer.isWildFly()) {
            HttpResponse<String> health = server.get("health/ready");
            assertThat(health.statusCode()).as("/health/ready").isEqualTo(status);
            assertThat(WsClient.parse(health.body()).getString("status")).isEqualTo(state);
        }
    }

    private static ServerProcess start() throws Exception {
        if (TargetServer.current() == TargetServer.PAYARA_SERVER) {
            // A domain of its own, set up as the shared ones (testsupport/PayaraServerProcess); SIGTERM goes to its JVM's PID.
            return PayaraServerProcess.builder("shutdown-it-payara-server")
                    .setting("roomcast.shutdown.grace", GRACE_SECONDS).start();
        }
        if (!TargetServer.isWildFly()) {
            return PayaraMicroProcess.builder("shutdown-it").systemProperty("roomcast.shutdown.grace", GRACE_SECONDS)
                    .start();
        }
        WildFlyProcess wildfly = WildFlyProcess.builder("shutdown-it-wildfly")
                .systemProperty("roomcast.shutdown.grace", GRACE_SECONDS).start();
        // The launcher applied the script (it fails to start a server otherwise) and its settings are what the server runs with.
        assertThat(Files.readString(wildfly.configuration().resolve("standalone.xml")))
                .contains("<websockets dispatch-to-worker=\"false\"/>")
                .contains("<worker name=\"default\" task-keepalive=\"10000\"/>");
        return wildfly;
    }
}
