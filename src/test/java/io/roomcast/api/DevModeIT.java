package io.roomcast.api;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jwt.SignedJWT;
import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Dev mode, which runs without production keys (PROTOCOL 13.9; DevModeRefusalIT): tokens from
 * {@code POST /api/dev/tokens} are signed with the dev key made at start, and that key is the only one
 * trusted.
 */
@RoomcastServer(Profile.DEV_MODE_FORWARDED)
class DevModeIT extends DeployedRoomcast {

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
    void devTokensAreSignedWithTheDevKeyWhichIsTheOnlyKeyTrusted() throws Exception {
        String token = devToken("{\"user\":\"dora\"}");
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.verify(new MACVerifier(TestTokens.SECRET))).isFalse();
        String secretKid = new OctetSequenceKey.Builder(TestTokens.SECRET.getBytes(StandardCharsets.UTF_8)).build()
                .computeThumbprint().toString();
        assertThat(jwt.getHeader().getKeyID()).isNotBlank().isNotEqualTo(secretKid);

        // The dev token is accepted on the WebSocket and by the publish API.
        try (WsClient client = WsClient.connect(server.ws("ws/auth"), Map.of("Authorization", "Bearer " + token))) {
            assertThat(client.awaitJson(type("welcome")).getString("user")).isEqualTo("dora");
        }
        assertThat(server.post("api/rooms/7/messages", "{\"text\":\"hi\"}", Map.of("Authorization", "Bearer " + token))
                .statusCode()).isEqualTo(202);
        // Nothing else is: not a token of some secret, not even one naming the dev key's kid.
        String forged = TestTokens.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(jwt.getHeader().getKeyID()).build(),
                TestTokens.claims("dora", Duration.ofMinutes(5)).build(), TestTokens.SECRET.getBytes(StandardCharsets.UTF_8));
        for (String refused : new String[] {forged, TestTokens.valid("dora")}) {
            RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("ws/auth"), Map.of("Authorization", "Bearer " + refused));
            assertThat(answer.status()).isEqualTo(401);
            assertThat(WsClient.parse(answer.body()).getString("error")).isEqualTo("invalid_credentials");
            assertThat(server.post("api/rooms/7/messages", "{\"text\":\"hi\"}", Map.of("Authorization", "Bearer " + refused))
                    .statusCode()).isEqualTo(401);
        }
    }

    @Test
    void aDevTokenBodyOver4KbIs413() throws Exception {
        HttpResponse<String> tooLarge = server.post("api/dev/tokens",
                "{\"user\":\"alice\",\"pad\":\"" + "p".repeat(4096) + "\"}", Map.of());
        assertThat(tooLarge.statusCode()).as(tooLarge.body()).isEqualTo(413);
        assertThat(WsClient.parse(tooLarge.body()).getString("error")).isEqualTo("too_large");
        assertThat(tooLarge.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
        assertThat(tooLarge.body()).doesNotContain("Exception").doesNotContain("<html").doesNotContain("\tat ");
        assertThat(server.post("api/dev/tokens", "{\"user\":\"alice\"}", Map.of()).statusCode()).isEqualTo(200);
    }
}
