package io.roomcast.testsupport;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The deployed application as tests address it: WebSocket URIs and the HTTP API. With a bearer token
 * ({@link #withBearer}) its GETs send it, for servers that need credentials ({@code roomcast.auth.anonymous=false}).
 */
public record Server(URI base, URI healthBase, String bearer) {

    public Server(URI base) {
        this(base, base, null);
    }

    /** A server whose health endpoints are served elsewhere ({@code healthBase}: WildFly's management port). */
    public Server(URI base, URI healthBase) {
        this(base, healthBase, null);
    }

    /** The same server, whose GETs (the status helpers included) send {@code Authorization: Bearer token}. */
    public Server withBearer(String token) {
        return new Server(base, healthBase, token);
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build(); // plain HTTP/1.1: no h2c upgrade


    /** {@code ws://host:port/<context>/<path>}; path without a leading slash. */
    public URI ws(String path) {
        return URI.create("ws://" + base.getHost() + ":" + base.getPort() + base.getRawPath() + path);
    }

    /** The same URI reached through another host name or address (another peer address for the server). */
    public URI ws(String host, String path) {
        return URI.create("ws://" + host + ":" + base.getPort() + base.getRawPath() + path);
    }

    public URI http(String path) {
        return base.resolve(path);
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return get(path, bearer == null ? Map.of() : Map.of("Authorization", "Bearer " + bearer));
    }

    public HttpResponse<String> get(String path, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(http(path)).GET();
        headers.forEach(request::header);
        return documented(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** Any method without a body, e.g. a CORS preflight ({@code OPTIONS}). */
    public HttpResponse<String> send(String method, String path, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(http(path)).method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return documented(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    public HttpResponse<String> post(String path, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(http(path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        headers.forEach(request::header);
        return documented(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** An answer whose error body, if it has one, meets docs/asyncapi.yaml ({@link FrameContract#requireDocumentedError}). */
    private static HttpResponse<String> documented(HttpResponse<String> response) {
        FrameContract.requireDocumentedError(response.statusCode(), response.body(),
                response.request().method() + " " + response.request().uri().getRawPath());
        return response;
    }

    /**
     * {@code GET} of a health path ({@code /health/live}, {@code /health/ready}) where the server
     * serves health: the HTTP port on Payara, the management port on WildFly.
     */
    public HttpResponse<String> getHealth(String path) throws IOException, InterruptedException {
        URI uri = healthBase.resolve(path.startsWith("/") ? path.substring(1) : path);
        return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET /api/status} as JSON. */
    public JsonObject status() throws IOException, InterruptedException {
        return WsClient.parse(get("api/status").body());
    }

    public int connections() throws IOException, InterruptedException {
        return status().getInt("connections");
    }

    /** A metric's value from Roomcast's own {@code /api/metrics}. */
    public long metric(String name) throws IOException, InterruptedException {
        String body = get("api/metrics").body();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + name + " in " + body);
    }
}
