package io.roomcast.api;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jwt.SignedJWT;
import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Deployments;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/**
 * Dev mode next to a production secret: tokens from {@code POST /api/dev/tokens} are signed with the dev
 * key made at start, never with the production secret, and both kinds of token are accepted.
 */
class DevModeIT extends DeployedRoomcast {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.roomcast(Map.of("roomcast.dev-mode", "true", "roomcast.jwt.issuer", "", "roomcast.jwt.audience", ""));
    }

    private String devToken(String body) throws Exception {
        HttpResponse<String> response = server.post("api/dev/tokens", body, Map.of());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return WsClient.parse(response.body()).getString("token");
    }

    private static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
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
                "{\"user\":\"x\",\"rooms\":\"7\"}", "[]", "{\"user\":\"x\",\"clients\":[0]}",
                "{\"user\":\"x\",\"clients\":[2147483648]}", "{\"user\":\"x\",\"clients\":[1.5]}",
                "{\"user\":\"x\",\"clients\":\"42\"}", "{\"user\":\"guest-1\"}"}) {
            HttpResponse<String> response = server.post("api/dev/tokens", body, Map.of());
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(WsClient.parse(response.body()).getString("error")).isEqualTo("invalid_parameter");
        }
    }

    @Test
    void aDevTokenWithClientsBindsOnlyThoseClientIds() throws Exception {
        String token = devToken("{\"user\":\"carol\",\"clients\":[42]}");
        try (WsClient client = WsClient.connect(server.ws("ws/secure/42?token=" + q(token)))) {
            JsonObject welcome = client.awaitJson(type("welcome"));
            assertThat(welcome.getString("user")).isEqualTo("carol");
            assertThat(welcome.getInt("clientId")).isEqualTo(42);
        }
        RawWebSocket.Handshake other = RawWebSocket.handshake(server.ws("ws/secure/43?token=" + q(token)), Map.of());
        assertThat(other.status()).isEqualTo(403);
        assertThat(WsClient.parse(other.body()).getString("error")).isEqualTo("forbidden_client");
        RawWebSocket.Handshake none = RawWebSocket.handshake(
                server.ws("ws/secure/42?token=" + q(devToken("{\"user\":\"carol\"}"))), Map.of());
        assertThat(none.status()).isEqualTo(403);
        assertThat(WsClient.parse(none.body()).getString("error")).isEqualTo("forbidden_client");
    }

    @Test
    void devTokensAreSignedWithTheDevKeyAndNeverWithTheProductionSecret() throws Exception {
        String token = devToken("{\"user\":\"dora\"}");
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.verify(new MACVerifier(TestTokens.SECRET))).isFalse();
        String secretKid = new OctetSequenceKey.Builder(TestTokens.SECRET.getBytes(StandardCharsets.UTF_8)).build()
                .computeThumbprint().toString();
        assertThat(jwt.getHeader().getKeyID()).isNotBlank().isNotEqualTo(secretKid);

        // Both the dev token and a production token are accepted, on the WebSocket and by the publish API.
        for (String accepted : new String[] {token, TestTokens.valid("dora")}) {
            try (WsClient client = WsClient.connect(server.ws("ws/auth"), Map.of("Authorization", "Bearer " + accepted))) {
                assertThat(client.awaitJson(type("welcome")).getString("user")).isEqualTo("dora");
            }
            assertThat(server.post("api/rooms/7/messages", "{\"text\":\"hi\"}", Map.of("Authorization", "Bearer " + accepted))
                    .statusCode()).isEqualTo(202);
        }
        // The production secret cannot pass for the dev key by naming its kid.
        String forged = TestTokens.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(jwt.getHeader().getKeyID()).build(),
                TestTokens.claims("dora", Duration.ofMinutes(5)).build(), TestTokens.SECRET.getBytes(StandardCharsets.UTF_8));
        RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("ws/auth"), Map.of("Authorization", "Bearer " + forged));
        assertThat(answer.status()).isEqualTo(401);
        assertThat(WsClient.parse(answer.body()).getString("error")).isEqualTo("invalid_credentials");
    }
}
