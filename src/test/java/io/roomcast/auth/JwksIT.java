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
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.JwksEndpoint;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code roomcast.jwt.jwks} against a real server: the test serves the JWKS through its profile's endpoint
 * ({@link JwksEndpoint}, plain HTTP on loopback, allowed there only, PROTOCOL 13.9) and rotates it, and the server follows within its refresh
 * interval (1 s here). The same endpoint can also redirect elsewhere, serve too much, or stall, and it
 * tells fetches for an unknown {@code kid} ({@code Cache-Control: no-cache}) from the regular ones.
 */
@RoomcastServer(Profile.AUTH_JWKS)
class JwksIT extends DeployedRoomcast {

    static final RSAKey KEY_A = JwksKeysTest.generate(() -> new RSAKeyGenerator(2048).keyID("key-a").algorithm(JWSAlgorithm.RS256).generate());
    static final ECKey KEY_B = JwksKeysTest.generate(() -> new ECKeyGenerator(Curve.P_256).keyID("key-b").algorithm(JWSAlgorithm.ES256).generate());
    /** Offered only where the server must not take it from: another host, an oversized document. */
    static final RSAKey KEY_C = JwksKeysTest.generate(() -> new RSAKeyGenerator(2048).keyID("key-c").algorithm(JWSAlgorithm.RS256).generate());

    /** How the JWKS endpoint answers now. */
    enum Mode { SERVE, REDIRECT_ELSEWHERE, TOO_LARGE, STALL }

    /** What the JWKS endpoint serves now. */
    static final AtomicReference<String> SERVED = new AtomicReference<>(JwksKeysTest.jwks(KEY_A.toPublicJWK()));
    static final AtomicReference<Mode> MODE = new AtomicReference<>(Mode.SERVE);
    /** How many times the server fetched it: in all, the regular fetches, those for an unknown kid. */
    static final AtomicInteger FETCHES = new AtomicInteger();
    static final AtomicInteger REGULAR_FETCHES = new AtomicInteger();
    static final AtomicInteger KID_FETCHES = new AtomicInteger();
    /** Requests the endpoint is holding (STALL) until the test releases them. */
    static final AtomicInteger HELD = new AtomicInteger();
    static final AtomicReference<CountDownLatch> RELEASE = new AtomicReference<>(new CountDownLatch(0));
    /** Requests that reached the other host a redirect names. */
    static final AtomicInteger ELSEWHERE_HITS = new AtomicInteger();
    static final ExecutorService HANDLERS = Executors.newCachedThreadPool();
    static final HttpServer ELSEWHERE = serve(exchange -> {
        ELSEWHERE_HITS.incrementAndGet();
        answer(exchange, 200, JwksKeysTest.jwks(KEY_C.toPublicJWK()));
    });

    private static HttpServer serve(HttpHandler handler) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.setExecutor(HANDLERS);
            http.createContext("/jwks.json", exchange -> {
                try (exchange) {
                    handler.handle(exchange);
                }
            });
            http.start();
            return http;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The profile's JWKS endpoint answers as this class says from now on; the server follows within a
     * second (or at once, when this class's endpoint was installed before the server booted).
     */
    @BeforeAll
    static void serveTheKeys() {
        JwksEndpoint.answerWith(JwksIT::jwksEndpoint);
    }

    /** The server has loaded the key served now (it may have fetched the profile's empty set before this class ran). */
    @BeforeEach
    void theServedKeyIsLoaded() {
        await().atMost(Duration.ofSeconds(30)).until(() -> handshakeStatus(tokenOfTheServedKey("ready")) == 101);
    }

    private static void jwksEndpoint(HttpExchange exchange) throws IOException {
        FETCHES.incrementAndGet();
        if ("no-cache".equals(exchange.getRequestHeaders().getFirst("Cache-Control"))) {
            KID_FETCHES.incrementAndGet();
        } else {
            REGULAR_FETCHES.incrementAndGet();
        }
        switch (MODE.get()) {
            case SERVE -> answer(exchange, 200, SERVED.get());
            case REDIRECT_ELSEWHERE -> {
                // Another host name for the same machine: another origin all the same.
                exchange.getResponseHeaders().set("Location", "http://localhost:" + ELSEWHERE.getAddress().getPort() + "/jwks.json");
                exchange.sendResponseHeaders(302, -1);
            }
            case TOO_LARGE -> answer(exchange, 200, "{\"keys\":[" + KEY_C.toPublicJWK().toJSONString() + "],\"pad\":\""
                    + "p".repeat(1 << 20) + "\"}");
            case STALL -> {
                HELD.incrementAndGet();
                try {
                    RELEASE.get().await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    HELD.decrementAndGet();
                }
                answer(exchange, 503, "late");
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        JwksEndpoint.answer(exchange, status, body);
    }

    @AfterAll
    static void stopServing() {
        JwksEndpoint.answerNoKeys();
        RELEASE.get().countDown();
        ELSEWHERE.stop(0);
        HANDLERS.shutdownNow();
    }

    /** A token of the key the endpoint serves now, which the server has loaded. */
    private static String tokenOfTheServedKey(String user) {
        return SERVED.get().contains("key-a") ? JwksKeysTest.sign(KEY_A, "key-a", user) : JwksKeysTest.sign(KEY_B, "key-b", user);
    }

    /** Waits until the server has fetched {@code more} more times: the first of them has then ended. */
    private static void awaitFetches(AtomicInteger counter, int more) {
        int from = counter.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> counter.get() >= from + more);
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

    // --- PROTOCOL 13.9 ---

    @Test
    void aRedirectToAnotherHostIsNotFollowedAndTheLastGoodKeysStay() throws Exception {
        String token = tokenOfTheServedKey("erin");
        MODE.set(Mode.REDIRECT_ELSEWHERE);
        try {
            // Two fetches later the first has ended: had it followed the redirect, that was within it.
            awaitFetches(FETCHES, 2);
            assertThat(ELSEWHERE_HITS).hasValue(0);
            assertThat(handshakeStatus(JwksKeysTest.sign(KEY_C, "key-c", "erin"))).isEqualTo(401);
            assertThat(handshakeStatus(token)).isEqualTo(101);
        } finally {
            MODE.set(Mode.SERVE);
        }
    }

    @Test
    void aJwksOverOneMebibyteIsRefusedAndTheLastGoodKeysStay() throws Exception {
        String token = tokenOfTheServedKey("fay");
        MODE.set(Mode.TOO_LARGE);
        try {
            awaitFetches(FETCHES, 2);
            assertThat(handshakeStatus(JwksKeysTest.sign(KEY_C, "key-c", "fay"))).as("the oversized document's key").isEqualTo(401);
            assertThat(handshakeStatus(token)).isEqualTo(101);
        } finally {
            MODE.set(Mode.SERVE);
        }
    }

    @Test
    void aStalledJwksHoldsNoHandshakeAndIsAbandonedAfterItsTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RELEASE.set(release);
        String token = tokenOfTheServedKey("gus");
        MODE.set(Mode.STALL);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> HELD.get() >= 1);
            // While the fetch hangs, handshakes are answered from the keys in memory, an unknown kid included.
            assertThat(handshakeStatus(token)).isEqualTo(101);
            assertThat(handshakeStatus(JwksKeysTest.sign(KEY_C, "key-c", "gus"))).isEqualTo(401);
            assertThat(release.getCount()).isEqualTo(1);
            // The server gives up on the held fetch (5 s) and fetches again while the first is still held.
            await().atMost(Duration.ofSeconds(60)).until(() -> HELD.get() >= 2);
            assertThat(handshakeStatus(token)).isEqualTo(101);
        } finally {
            MODE.set(Mode.SERVE);
            release.countDown();
        }
    }

    @Test
    void anUnknownKidTriggersAtMostOneRefetchPer30Seconds() throws Exception {
        int before = KID_FETCHES.get();
        AtomicInteger attempt = new AtomicInteger();
        // An earlier test's unknown kid may have opened a 30 s window: try once a second until one fetch comes.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            assertThat(handshakeStatus(JwksKeysTest.sign(KEY_C, "unknown-" + attempt.incrementAndGet(), "hal"))).isEqualTo(401);
            return KID_FETCHES.get() > before;
        });
        for (int i = 0; i < 5; i++) {
            assertThat(handshakeStatus(JwksKeysTest.sign(KEY_C, "burst-" + i, "hal"))).isEqualTo(401);
        }
        // The server fetches on one thread, in order of due time: three regular fetches after the burst,
        // any fetch the burst had asked for would have run before the last of them.
        awaitFetches(REGULAR_FETCHES, 3);
        assertThat(KID_FETCHES).hasValue(before + 1);
    }

    @Test
    void aJwksThatCannotBeFetchedKeepsTheLastGoodKeys() throws Exception {
        String current = SERVED.get();
        String token = tokenOfTheServedKey("dave");
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
