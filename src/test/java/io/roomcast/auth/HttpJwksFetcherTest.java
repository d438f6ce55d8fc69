package io.roomcast.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** PROTOCOL 13.9: how a JWKS URL is fetched (https or loopback http, redirects, size, deadline). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpJwksFetcherTest {

    private static final String DOCUMENT = "{\"keys\":[]}";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final List<HttpServer> servers = new ArrayList<>();
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Requests as "host-of-server path Cache-Control". */
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        stopping.set(true);
        stopped.countDown();
        servers.forEach(s -> s.stop(0));
        handlers.shutdownNow();
    }

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    /** A server on 127.0.0.1; {@code name} marks its requests. */
    private HttpServer serve(String name, Handler handler) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.setExecutor(handlers);
        http.createContext("/", exchange -> {
            requests.add(name + " " + exchange.getRequestURI().getPath() + " "
                    + exchange.getRequestHeaders().getFirst("Cache-Control"));
            try (exchange) {
                handler.handle(exchange);
            }
        });
        http.start();
        servers.add(http);
        return http;
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(302, -1);
    }

    private static URI at(HttpServer server, String host, String path) {
        return URI.create("http://" + host + ":" + server.getAddress().getPort() + path);
    }

    private static HttpJwksFetcher fetcher(URI uri) {
        return HttpJwksFetcher.of(uri, TIMEOUT, JwksKeys.MAX_BYTES);
    }

    @Test
    void httpIsForALoopbackHostOnlyAndHttpsForAnyHost() {
        for (String refused : new String[] {"http://idp.example/jwks.json", "http://10.0.0.1/jwks", "http://127.0.0.1.evil.example/jwks",
                "http://[::2]/jwks", "http:///jwks"}) {
            assertThatThrownBy(() -> HttpJwksFetcher.of(URI.create(refused), TIMEOUT, 10)).as(refused)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        for (String allowed : new String[] {"https://idp.example/jwks.json", "http://localhost:8180/jwks", "http://127.0.0.1/jwks",
                "http://127.255.0.9:9/jwks", "http://[::1]:8180/jwks", "HTTP://LOCALHOST/jwks"}) {
            HttpJwksFetcher.of(URI.create(allowed), TIMEOUT, 10);
        }
    }

    @Test
    void aDocumentOverLoopbackHttpIsFetchedAndAKidRefetchAsksCachesToRevalidate() throws Exception {
        HttpServer idp = serve("idp", exchange -> answer(exchange, 200, DOCUMENT));
        HttpJwksFetcher fetcher = fetcher(at(idp, "127.0.0.1", "/jwks.json"));
        assertThat(fetcher.fetch(false)).isEqualTo(DOCUMENT);
        assertThat(fetcher.fetch(true)).isEqualTo(DOCUMENT);
        assertThat(requests).containsExactly("idp /jwks.json null", "idp /jwks.json no-cache");
    }

    @Test
    void aRedirectWithinTheSameOriginIsFollowed() throws Exception {
        HttpServer idp = serve("idp", exchange -> {
            if (exchange.getRequestURI().getPath().equals("/old")) {
                redirect(exchange, "/jwks.json");
            } else {
                answer(exchange, 200, DOCUMENT);
            }
        });
        assertThat(fetcher(at(idp, "127.0.0.1", "/old")).fetch(false)).isEqualTo(DOCUMENT);
        assertThat(requests).containsExactly("idp /old null", "idp /jwks.json null");
    }

    @Test
    void aRedirectToAnotherHostIsRefusedAndThatHostNeverAsked() throws Exception {
        HttpServer elsewhere = serve("elsewhere", exchange -> answer(exchange, 200, DOCUMENT));
        // Another host name (localhost), another port, another scheme: each is another origin.
        for (String target : new String[] {at(elsewhere, "localhost", "/jwks.json").toString(),
                at(elsewhere, "127.0.0.1", "/jwks.json").toString(), "https://127.0.0.1/jwks.json"}) {
            HttpServer idp = serve("idp", exchange -> redirect(exchange, target));
            assertThatThrownBy(() -> fetcher(at(idp, "127.0.0.1", "/jwks.json")).fetch(false)).as(target)
                    .isInstanceOf(IOException.class).hasMessageContaining("redirect to another host refused");
        }
        assertThat(requests).noneMatch(r -> r.startsWith("elsewhere"));
    }

    @Test
    void moreThanThreeRedirectsAreRefused() throws Exception {
        HttpServer idp = serve("idp", exchange -> redirect(exchange, "/again"));
        assertThatThrownBy(() -> fetcher(at(idp, "127.0.0.1", "/jwks.json")).fetch(false)).isInstanceOf(IOException.class)
                .hasMessageContaining("redirects");
        assertThat(requests).hasSize(1 + HttpJwksFetcher.MAX_REDIRECTS);
    }

    @Test
    void aDocumentOverOneMebibyteIsRefusedWhetherItSaysSoOrNot() throws Exception {
        String big = "{\"keys\":[],\"pad\":\"" + "p".repeat(JwksKeys.MAX_BYTES) + "\"}";
        HttpServer declared = serve("declared", exchange -> answer(exchange, 200, big));
        assertThatThrownBy(() -> fetcher(at(declared, "127.0.0.1", "/jwks.json")).fetch(false))
                .isInstanceOf(HttpJwksFetcher.TooLarge.class);
        // Chunked, no length: refused once it passes the bound, while the server is still sending.
        HttpServer streamed = serve("streamed", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[16384];
            OutputStream out = exchange.getResponseBody();
            try {
                while (!stopping.get()) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                // the client went away: what the test expects
            }
        });
        assertThatThrownBy(() -> fetcher(at(streamed, "127.0.0.1", "/jwks.json")).fetch(false))
                .isInstanceOf(HttpJwksFetcher.TooLarge.class);
        String exactly = "{\"keys\":[],\"pad\":\"" + "p".repeat(JwksKeys.MAX_BYTES - 20) + "\"}";
        assertThat(exactly.length()).isEqualTo(JwksKeys.MAX_BYTES);
        HttpServer fits = serve("fits", exchange -> answer(exchange, 200, exactly));
        assertThat(fetcher(at(fits, "127.0.0.1", "/jwks.json")).fetch(false)).isEqualTo(exactly);
    }

    @Test
    void aServerThatTricklesItsAnswerIsAbandonedAtTheDeadline() throws Exception {
        HttpServer slow = serve("slow", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            try {
                do {
                    out.write('{');
                    out.flush();
                } while (!stopped.await(100, TimeUnit.MILLISECONDS)); // the trickle's pace: a byte per 100 ms
            } catch (IOException | InterruptedException e) {
                // the client went away
            }
        });
        HttpJwksFetcher fetcher = HttpJwksFetcher.of(at(slow, "127.0.0.1", "/jwks.json"), Duration.ofMillis(500), JwksKeys.MAX_BYTES);
        assertThatThrownBy(() -> fetcher.fetch(false)).isInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void anErrorStatusIsAFailedFetch() throws Exception {
        HttpServer idp = serve("idp", exchange -> answer(exchange, 503, "busy"));
        assertThatThrownBy(() -> fetcher(at(idp, "127.0.0.1", "/jwks.json")).fetch(false)).isInstanceOf(IOException.class)
                .hasMessageContaining("503");
    }
}
