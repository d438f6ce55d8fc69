package io.roomcast.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The JWKS endpoint that a profile's {@code roomcast.jwt.jwks} names: plain HTTP on loopback (allowed
 * there only, PROTOCOL 13.9), started on first use at a port it picks, so that its URL is known before
 * the server boots, and answering for the rest of the test JVM, since the server fetches it as long as it
 * runs. It serves an empty key set until a test installs its own answer ({@link #answerWith}): JwksIT
 * serves, rotates, redirects and stalls its keys through it.
 */
public final class JwksEndpoint {

    private static final String PATH = "/jwks.json";
    private static final HttpHandler NO_KEYS = exchange -> answer(exchange, 200, "{\"keys\":[]}");
    private static final AtomicReference<HttpHandler> HANDLER = new AtomicReference<>(NO_KEYS);
    private static HttpServer http; // guarded by JwksEndpoint.class

    private JwksEndpoint() {
    }

    /** {@code http://127.0.0.1:<port>/jwks.json}, the endpoint started now if it is not yet. */
    public static synchronized String url() {
        if (http == null) {
            http = start();
        }
        return "http://127.0.0.1:" + http.getAddress().getPort() + PATH;
    }

    /** From now on, every request is answered by {@code handler} (which need not close the exchange). */
    public static void answerWith(HttpHandler handler) {
        HANDLER.set(handler);
    }

    /** Back to an empty key set. */
    public static void answerNoKeys() {
        HANDLER.set(NO_KEYS);
    }

    /** A JSON answer with {@code body}. */
    public static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static HttpServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            // a thread per request: a request a test holds (a stalled JWKS) must not hold the others
            server.setExecutor(Executors.newCachedThreadPool(task -> {
                Thread thread = new Thread(task, "jwks-endpoint");
                thread.setDaemon(true);
                return thread;
            }));
            server.createContext(PATH, exchange -> {
                try (exchange) {
                    HANDLER.get().handle(exchange);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
