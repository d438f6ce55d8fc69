package io.roomcast.api;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Deployments;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/** Dev mode with no key configured: a random secret, and tokens from {@code POST /api/dev/tokens}. */
class DevModeIT extends DeployedRoomcast {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.roomcast(Map.of("roomcast.dev-mode", "true", "roomcast.jwt.secret", "",
                "roomcast.jwt.issuer", "", "roomcast.jwt.audience", ""));
    }

    @Test
    void aDevTokenOpensAuthAndCarriesItsRooms() throws Exception {
        HttpResponse<String> response = server.post("api/dev/tokens", "{\"user\":\"alice\",\"rooms\":[7]}", Map.of());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject body = WsClient.parse(response.body());
        assertThat(body.getString("user")).isEqualTo("alice");
        assertThat(body.getJsonNumber("expiresAt").longValueExact()).isGreaterThan(System.currentTimeMillis());

        try (WsClient client = WsClient.connect(server.ws("ws/auth"), Map.of("Authorization", "Bearer " + body.getString("token")))) {
            assertThat(client.awaitJson(type("welcome")).getString("user")).isEqualTo("alice");
            client.send("{\"type\":\"join\",\"room\":8}");
            assertThat(client.awaitJson(type("error")).getString("code")).isEqualTo("forbidden_room");
        }
    }

    @Test
    void invalidTokenRequestsAre400() throws Exception {
        for (String body : new String[] {"", "{}", "{\"user\":\"\"}", "{\"user\":\"a b\"}", "{\"user\":\"x\",\"rooms\":[0]}",
                "{\"user\":\"x\",\"rooms\":\"7\"}", "[]"}) {
            HttpResponse<String> response = server.post("api/dev/tokens", body, Map.of());
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(WsClient.parse(response.body()).getString("error")).isEqualTo("invalid_parameter");
        }
    }
}
