package io.roomcast.api;

import static io.roomcast.testsupport.ApiErrors.assertError;
import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.Rooms;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With {@code roomcast.auth.anonymous=false}, the live figures need credentials too: {@code /api/status} and {@code /ws/status}. */
@RoomcastServer(Profile.AUTH_JWKS)
class StatusAuthIT extends DeployedRoomcast {

    @Test
    void apiStatusWithoutCredentialsIs401MissingCredentials() throws Exception {
        assertError(server.get("api/status"), 401, "missing_credentials");
    }

    @Test
    void apiStatusWithAnInvalidTokenIs401InvalidCredentials() throws Exception {
        assertError(server.get("api/status", Map.of("Authorization", "Bearer garbage")), 401, "invalid_credentials");
        assertError(server.get("api/status", Map.of("Authorization", "Basic YWxpY2U6cHc=")), 401, "invalid_credentials");
        assertError(server.withBearer(TestTokens.valid("guest-3")).get("api/status"), 401, "invalid_credentials");
    }

    @Test
    void apiStatusWithAValidBearerTokenAnswers200() throws Exception {
        String token = TestTokens.valid("monitor");
        HttpResponse<String> response = server.withBearer(token).get("api/status");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(WsClient.parse(response.body()).getString("instance")).isNotBlank();
        try (WsClient member = WsClient.connect(server.ws("ws/chat/31?access_token=" + token))) {
            Rooms.awaitMembers(server.withBearer(token), 31, 1);
        }
    }

    @Test
    void wsStatusStillNeedsCredentials() throws Exception {
        RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("ws/status"), Map.of());
        assertThat(answer.status()).isEqualTo(401);
        assertThat(WsClient.parse(answer.body()).getString("error")).isEqualTo("missing_credentials");
        try (WsClient status = WsClient.connect(server.ws("ws/status"), Map.of("Authorization", "Bearer " + TestTokens.valid("monitor")))) {
            assertThat(status.awaitJson(type("status")).getInt("connections")).isPositive();
        }
    }
}
