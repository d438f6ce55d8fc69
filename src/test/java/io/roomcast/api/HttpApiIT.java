package io.roomcast.api;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.Server;
import io.roomcast.testsupport.TargetServer;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The publish API, health, metrics and the dev-token endpoint with dev mode off (PROTOCOL 6). */
class HttpApiIT extends DeployedRoomcast {

    private HttpResponse<String> publish(String room, String body, String token) throws Exception {
        return server.post("api/rooms/" + room + "/messages", body,
                token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
        assertThat(WsClient.parse(response.body()).getString("error")).isEqualTo(code);
    }

    @Test
    void publishingBroadcastsAsTheTokensUserAndAnswers202() throws Exception {
        try (WsClient json = WsClient.connect(server.ws("ws/realtime"));
             WsClient chat = WsClient.connect(server.ws("ws/chat/601"))) {
            json.awaitJson(type("welcome"));
            json.send("{\"type\":\"join\",\"room\":601}");
            json.awaitJson(type("joined"));
            // The chat client joins in its session's onOpen, which may run after its handshake returned
            // (WildFly dispatches it to a worker): publish once both are members.
            io.roomcast.testsupport.Rooms.awaitMembers(server, 601, 2);

            HttpResponse<String> response = publish("601", "{\"text\":\"from the back end\"}", TestTokens.valid("backend"));
            assertThat(response.statusCode()).isEqualTo(202);

            JsonObject message = json.awaitJson(type("message"));
            assertThat(message.getString("from")).isEqualTo("backend");
            assertThat(message.getString("text")).isEqualTo("from the back end");
            assertThat(chat.nextText()).isEqualTo("Room 601: from the back end");
        }
    }

    @Test
    void publishingRefusesBadRequestsWithTheJsonErrorBody() throws Exception {
        String token = TestTokens.valid("backend");
        assertError(publish("601", "{\"text\":\"x\"}", null), 401, "missing_credentials");
        assertError(publish("601", "{\"text\":\"x\"}", "garbage"), 401, "invalid_credentials");
        assertError(publish("0", "{\"text\":\"x\"}", token), 400, "invalid_parameter");
        assertError(publish("abc", "{\"text\":\"x\"}", token), 400, "invalid_parameter");
        assertError(publish("601", "not json", token), 400, "invalid_message");
        assertError(publish("601", "{\"text\":\"\"}", token), 400, "invalid_message");
        assertError(publish("601", "{\"text\":7}", token), 400, "invalid_message");
        assertError(publish("602", "{\"text\":\"x\"}", TestTokens.forRooms("backend", List.of(601))), 403, "forbidden_room");
    }

    @Test
    void statusIsOpenWithoutCredentialsButAnInvalidTokenIsStill401() throws Exception {
        assertThat(server.get("api/status").statusCode()).isEqualTo(200);
        assertThat(server.withBearer(TestTokens.valid("monitor")).get("api/status").statusCode()).isEqualTo(200);
        assertError(server.withBearer("garbage").get("api/status"), 401, "invalid_credentials");
    }

    @Test
    void devTokensDoNotExistWithDevModeOff() throws Exception {
        assertError(server.post("api/dev/tokens", "{\"user\":\"alice\"}", Map.of()), 404, "not_found");
    }

    @Test
    void healthIsUp() throws Exception {
        for (String path : List.of("/health/live", "/health/ready")) {
            // Payara: MicroProfile Health on the HTTP port. WildFly (standalone.xml as shipped): its base
            // health subsystem on the management port, where docs/DEPLOYMENT.md sends operators; readiness
            // there includes the deployments' status. Roomcast's own checks join it only with the
            // microprofile-health-smallrye subsystem, which standalone.xml lacks.
            HttpResponse<String> response = server.getHealth(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            if (TargetServer.isWildFly()) {
                // the base subsystem's format: [{"name":"server-state","outcome":true,...},...,{"outcome":true}]
                assertThat(Json.createReader(new StringReader(response.body())).readArray()
                        .getValuesAs(JsonObject.class)).isNotEmpty()
                        .allSatisfy(check -> assertThat(check.getBoolean("outcome")).as(path + " " + check).isTrue());
            } else {
                assertThat(WsClient.parse(response.body()).getString("status")).isEqualTo("UP");
            }
        }
    }

    @Test
    void metricsCountConnectionsMessagesAndRefusedHandshakes() throws Exception {
        assumeFalse(TargetServer.isWildFly(), "WildFly 39 ships no MicroProfile Metrics (Micrometer replaced it), "
                + "so there is no /metrics with application figures; the same figures are checked at "
                + "/api/metrics, on every server, by apiMetricsServesTheFiguresOnEveryServer");
        assertThat(RawWebSocket.handshake(server.ws("ws/chat/0"), Map.of()).status()).isEqualTo(400);
        try (WsClient chat = WsClient.connect(server.ws("ws/chat/603"))) {
            chat.send("counted");
            chat.nextText();
            String metrics = server.get("/metrics").body();
            assertThat(metrics).containsPattern("roomcast_connections\\{[^}]*\\} [1-9]");
            assertThat(metrics).containsPattern("roomcast_rooms\\{[^}]*\\} [1-9]");
            assertThat(metrics).containsPattern("roomcast_messages_in_total\\{[^}]*\\} [1-9]");
            assertThat(metrics).containsPattern("roomcast_messages_out_total\\{[^}]*\\} [1-9]");
            assertThat(metrics).containsPattern("roomcast_handshake_failures_total\\{code=\"invalid_parameter\"[^}]*\\} [1-9]");
            assertThat(metrics).contains("roomcast_heartbeat_timeouts_total").contains("roomcast_slow_consumer_closes_total");
        }
    }

    @Test
    void apiMetricsServesTheFiguresOnEveryServer() throws Exception {
        assertThat(RawWebSocket.handshake(server.ws("ws/chat/0"), Map.of()).status()).isEqualTo(400);
        try (WsClient chat = WsClient.connect(server.ws("ws/chat/604"))) {
            chat.send("counted");
            chat.nextText();
            HttpResponse<String> response = server.get("api/metrics");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    contentType -> assertThat(contentType).startsWith("text/plain"));
            assertThat(response.body())
                    .contains("# TYPE roomcast_connections gauge")
                    .containsPattern("(?m)^roomcast_connections [1-9]\\d*$")
                    .containsPattern("(?m)^roomcast_rooms [1-9]\\d*$")
                    .containsPattern("(?m)^roomcast_messages_in_total [1-9]\\d*$")
                    .containsPattern("(?m)^roomcast_messages_out_total [1-9]\\d*$")
                    .containsPattern("(?m)^roomcast_handshake_failures_total\\{code=\"invalid_parameter\"} [1-9]\\d*$")
                    .containsPattern("(?m)^roomcast_heartbeat_timeouts_total \\d+$")
                    .containsPattern("(?m)^roomcast_slow_consumer_closes_total \\d+$");
        }
    }
}
