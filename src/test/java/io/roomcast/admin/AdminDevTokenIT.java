package io.roomcast.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.WsClient;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Dev mode's admin tokens: {@code POST /api/dev/tokens} with {@code "admin":true} signs a token with the
 * claim {@code "roomcast_admin": true}, which reads {@code GET /api/admin/overview}; without it the same
 * user gets 403, and no token at all 401 (PROTOCOL 3.5).
 */
@RoomcastServer(Profile.DEV_MODE_FORWARDED)
class AdminDevTokenIT extends DeployedRoomcast {

    private String devToken(String body) throws Exception {
        HttpResponse<String> response = server.post("api/dev/tokens", body, Map.of());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return WsClient.parse(response.body()).getString("token");
    }

    @Test
    void aDevAdminTokenReadsTheOverview() throws Exception {
        HttpResponse<String> response = server.withBearer(devToken("{\"user\":\"ops\",\"admin\":true}")).get("api/admin/overview");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(WsClient.parse(response.body()).getString("instance")).isEqualTo(server.status().getString("instance"));
    }

    @Test
    void aDevTokenWithoutAdminIs403AndNoTokenIs401() throws Exception {
        for (String body : new String[] {"{\"user\":\"ops\"}", "{\"user\":\"ops\",\"admin\":false}", "{\"user\":\"ops\",\"admin\":null}"}) {
            HttpResponse<String> response = server.withBearer(devToken(body)).get("api/admin/overview");
            assertThat(response.statusCode()).as(body).isEqualTo(403);
            assertThat(WsClient.parse(response.body()).getString("error")).isEqualTo("forbidden");
        }
        HttpResponse<String> anonymous = server.get("api/admin/overview");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(WsClient.parse(anonymous.body()).getString("error")).isEqualTo("missing_credentials");
    }

    @Test
    void anAdminFieldThatIsNotABooleanIs400() throws Exception {
        for (String body : new String[] {"{\"user\":\"ops\",\"admin\":\"true\"}", "{\"user\":\"ops\",\"admin\":1}"}) {
            HttpResponse<String> response = server.post("api/dev/tokens", body, Map.of());
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(WsClient.parse(response.body()).getString("error")).isEqualTo("invalid_parameter");
        }
    }
}
