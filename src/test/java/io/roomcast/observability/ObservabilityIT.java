package io.roomcast.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.roomcast.testsupport.Deployments;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.Rooms;
import io.roomcast.testsupport.Server;
import io.roomcast.testsupport.TargetServer;
import io.roomcast.testsupport.WsClient;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Metrics and health on every server (PROTOCOL 6). {@code /api/metrics} is Roomcast's own and must
 * answer everywhere; MicroProfile Metrics and Health are the server's, so they are checked where the
 * server provides them.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ObservabilityIT {

    /**
     * Why the MicroProfile checks do not run on WildFly: the suite runs WildFly with standalone.xml as
     * shipped (the configuration docs/DEPLOYMENT.md describes). WildFly 38 ships no MicroProfile
     * Metrics at all, and its MicroProfile Health subsystem is not in standalone.xml; once enabled, it
     * answers on the management interface (port 9990), not the application's. Roomcast deploys
     * without both and serves its figures at /api/metrics, which the first test checks on WildFly too.
     */
    private static final String NO_MICROPROFILE_ON_WILDFLY = "WildFly 38 with standalone.xml as shipped has no "
            + "MicroProfile Metrics or Health; see ObservabilityIT.NO_MICROPROFILE_ON_WILDFLY";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.roomcast();
    }

    @ArquillianResource
    URL url;
    Server server;

    @BeforeEach
    void setUp() {
        server = Server.at(url);
    }

    @Test
    void apiMetricsServesRoomcastsFiguresInThePrometheusTextFormat() throws Exception {
        RawWebSocket.Handshake refused = RawWebSocket.handshake(server.ws("ws/chat/0"), Map.of());
        assertThat(refused.status()).isEqualTo(400);
        try (WsClient client = WsClient.connect(server.ws("ws/chat/501"))) {
            Rooms.awaitMembers(server, 501, 1);
            client.send("counted");
            assertThat(client.nextText()).isEqualTo("Room 501: counted");

            HttpResponse<String> metrics = server.get("api/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain"));
            assertThat(metrics.body())
                    .contains("# TYPE roomcast_connections gauge")
                    .containsPattern("(?m)^roomcast_connections [1-9]\\d*$")
                    .containsPattern("(?m)^roomcast_rooms [1-9]\\d*$")
                    .containsPattern("(?m)^roomcast_messages_in_total [1-9]\\d*$")
                    .containsPattern("(?m)^roomcast_messages_out_total [1-9]\\d*$")
                    .containsPattern("(?m)^roomcast_handshake_failures_total\\{code=\"invalid_parameter\"} [1-9]\\d*$")
                    .containsPattern("(?m)^roomcast_handshake_failures_total\\{code=\"too_many_connections\"} 0$");
        }
    }

    @Test
    void microProfileMetricsPublishesTheSameFiguresAtSlashMetrics() throws Exception {
        assumeFalse(TargetServer.isWildFly(), NO_MICROPROFILE_ON_WILDFLY);
        try (WsClient client = WsClient.connect(server.ws("ws/chat/502"))) {
            Rooms.awaitMembers(server, 502, 1);
            String metrics = server.get("/metrics").body();
            assertThat(metrics).containsPattern("roomcast_connections\\{[^}]*} [1-9]")
                    .containsPattern("roomcast_handshake_failures_total\\{[^}]*code=\"forbidden_origin\"[^}]*} 0");
        }
    }

    @Test
    void microProfileHealthAnswersLiveAndReadyWithRoomcastsChecks() throws Exception {
        assumeFalse(TargetServer.isWildFly(), NO_MICROPROFILE_ON_WILDFLY);
        HttpResponse<String> live = server.get("/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).contains("\"roomcast\"");
        HttpResponse<String> ready = server.get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"roomcast-websocket\"").contains("UP");
    }
}
