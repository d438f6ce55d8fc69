package io.roomcast.auth;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Deployments;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@code roomcast.jwt.jwks} against a real server: the test serves the JWKS over HTTP on loopback and
 * rotates it, and the server follows within its refresh interval (1 s here).
 */
class JwksIT extends DeployedRoomcast {

    static final RSAKey KEY_A = JwksKeysTest.generate(() -> new RSAKeyGenerator(2048).keyID("key-a").algorithm(JWSAlgorithm.RS256).generate());
    static final ECKey KEY_B = JwksKeysTest.generate(() -> new ECKeyGenerator(Curve.P_256).keyID("key-b").algorithm(JWSAlgorithm.ES256).generate());

    /** What the JWKS endpoint serves now. */
    static final AtomicReference<String> SERVED = new AtomicReference<>(JwksKeysTest.jwks(KEY_A.toPublicJWK()));
    /** How many times the server fetched it. */
    static final AtomicInteger FETCHES = new AtomicInteger();
    static final HttpServer JWKS = serve();

    // Started when the class loads, before the deployment method needs its URL.
    private static HttpServer serve() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.createContext("/jwks.json", exchange -> {
                FETCHES.incrementAndGet();
                byte[] body = SERVED.get().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            http.start();
            return http;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.roomcast(Map.of(
                "roomcast.jwt.jwks", "http://127.0.0.1:" + JWKS.getAddress().getPort() + "/jwks.json",
                "roomcast.jwt.jwks-refresh", "1"));
    }

    @AfterAll
    static void stopServing() {
        JWKS.stop(0);
    }

    private int handshakeStatus(String token) throws Exception {
        RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("ws/auth"), Map.of("Authorization", "Bearer " + token));
        if (answer.socket() != null) {
            answer.socket().close();
        } else {
            assertThat(WsClient.parse(answer.body()).getString("error")).isEqualTo("invalid_credentials");
        }
        return answer.status();
    }

    @Test
    void keysRotateWithTheJwksAndTheSecretKeepsWorking() throws Exception {
        String tokenA = JwksKeysTest.sign(KEY_A, "key-a", "alice");
        String tokenB = JwksKeysTest.sign(KEY_B, "key-b", "bob");
        try (WsClient client = WsClient.connect(server.ws("ws/auth"), Map.of("Authorization", "Bearer " + tokenA))) {
            assertThat(client.awaitJson(type("welcome")).getString("user")).isEqualTo("alice");
        }
        assertThat(handshakeStatus(tokenB)).isEqualTo(401);
        assertThat(handshakeStatus(JwksKeysTest.sign(KEY_A, "key-z", "alice"))).as("unknown kid").isEqualTo(401);

        SERVED.set(JwksKeysTest.jwks(KEY_B.toPublicJWK()));
        await().atMost(Duration.ofSeconds(20)).until(() -> handshakeStatus(tokenB) == 101);
        assertThat(handshakeStatus(tokenA)).isEqualTo(401);
        try (WsClient client = WsClient.connect(server.ws("ws/auth"), Map.of("Authorization", "Bearer " + tokenB))) {
            assertThat(client.awaitJson(type("welcome")).getString("user")).isEqualTo("bob");
        }
        assertThat(handshakeStatus(TestTokens.valid("carol"))).as("the configured secret").isEqualTo(101);
    }

    @Test
    void aJwksThatCannotBeFetchedKeepsTheLastGoodKeys() throws Exception {
        String current = SERVED.get();
        String token = JwksKeysTest.sign(current.contains("key-a") ? KEY_A : KEY_B,
                current.contains("key-a") ? "key-a" : "key-b", "dave");
        assertThat(handshakeStatus(token)).isEqualTo(101);
        SERVED.set("not a JWKS document");
        try {
            int fetched = FETCHES.get();
            // Two fetches later the server has surely been served the broken document at least once.
            await().atMost(Duration.ofSeconds(20)).until(() -> FETCHES.get() >= fetched + 2);
            assertThat(handshakeStatus(token)).isEqualTo(101);
        } finally {
            SERVED.set(current);
        }
    }
}
