package io.roomcast.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.ProfileSettings;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.TargetServer;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bounds of the HTTP API (PROTOCOL 12) and its error bodies: the publish body and text, the publish
 * rate per user, and JAX-RS's own refusals as the JSON error body (the dev-token body: DevModeIT, since
 * dev mode runs without production keys).
 */
@RoomcastServer(Profile.EDGE_LIMITS)
class HttpLimitsIT extends DeployedRoomcast {

    private static final RoomcastSettings SETTINGS = ProfileSettings.of(Profile.EDGE_LIMITS);
    static final int MAX_TEXT = SETTINGS.maxTextBytes();
    static final int MAX_BODY = SETTINGS.maxPublishBodyBytes();
    /** The publish burst of a user; the profile's rate is so slow that no token comes back during a run. */
    static final int BURST = SETTINGS.rateBurst();

    private HttpResponse<String> publish(String user, String body) throws Exception {
        return server.post("api/rooms/701/messages", body, Map.of("Authorization", "Bearer " + TestTokens.valid(user)));
    }

    private static void assertError(int status, String code, int actualStatus, String body) {
        assertThat(actualStatus).as(body).isEqualTo(status);
        assertThat(WsClient.parse(body).getString("error")).isEqualTo(code);
        assertThat(body).doesNotContain("Exception").doesNotContain("<html").doesNotContain("\tat ");
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertError(status, code, response.statusCode(), response.body());
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
    }

    /** One request on a bare socket, written as given; the answer's status and body (read to its end). */
    private RawAnswer raw(String head, byte[] bodyStart) throws IOException {
        URI base = server.base();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
            socket.setSoTimeout(20_000); // a server waiting for the promised rest would fail this read
            socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(bodyStart);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            String text = readAnswer(in);
            int status = Integer.parseInt(text.substring(9, 12));
            return new RawAnswer(status, text.substring(text.indexOf("\r\n\r\n") + 4));
        }
    }

    private static String readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int length = -1;
        while (true) {
            String sofar = answer.toString(StandardCharsets.ISO_8859_1);
            int end = sofar.indexOf("\r\n\r\n");
            if (end >= 0) {
                if (length < 0) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(sofar);
                    length = m.find() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
                }
                if (answer.size() >= end + 4 + length) {
                    return sofar.substring(0, end + 4 + length);
                }
            }
            int n;
            try {
                n = in.read(buffer);
            } catch (java.net.SocketException reset) {
                n = -1; // the server may reset a connection whose body it refused to read
            }
            if (n < 0) {
                return answer.toString(StandardCharsets.ISO_8859_1);
            }
            answer.write(buffer, 0, n);
        }
    }

    record RawAnswer(int status, String body) {
    }

    private String head(String path, String extraHeaders) {
        return "POST " + server.base().getRawPath() + path + " HTTP/1.1\r\nHost: " + server.base().getHost() + ":"
                + server.base().getPort() + "\r\nContent-Type: application/json\r\nAuthorization: Bearer "
                + TestTokens.valid("raw-sender") + "\r\n" + extraHeaders + "\r\n";
    }

    // --- publish body and text ---

    @Test
    void aPublishBodyDeclaredLargerThanTheBoundIs413BeforeAnyOfItIsRead() throws Exception {
        // Five megabytes promised, a few bytes sent: the answer cannot wait for the rest.
        RawAnswer answer = raw(head("api/rooms/701/messages", "Content-Length: 5000000\r\n"),
                "{\"text\":\"".getBytes(StandardCharsets.UTF_8));
        assertError(413, "too_large", answer.status(), answer.body());
    }

    @Test
    void aPublishBodyDeclaredLargerThanTheServersOwnBoundIsRefusedByTheServer() throws Exception {
        RawAnswer answer = raw(head("api/rooms/701/messages", "Content-Length: 1000000000\r\n"),
                "{\"text\":\"".getBytes(StandardCharsets.UTF_8));
        if (TargetServer.isWildFly()) {
            // Undertow refuses a declared length over its listener's max-post-size (10 MB) before any
            // application code runs: 400 without a body of ours.
            assertThat(answer.status()).isEqualTo(400);
        } else {
            assertError(413, "too_large", answer.status(), answer.body());
        }
    }

    @Test
    void aChunkedPublishBodyIsCutOffAtTheBound() throws Exception {
        // A chunk larger than the bound, and no end of the body: the answer comes at the bound.
        String chunk = "{\"text\":\"" + "x".repeat(MAX_BODY) + "\"}";
        String start = Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n";
        RawAnswer answer = raw(head("api/rooms/701/messages", "Transfer-Encoding: chunked\r\n"),
                start.getBytes(StandardCharsets.UTF_8));
        assertError(413, "too_large", answer.status(), answer.body());
    }

    @Test
    void aPublishBodyOverTheBoundIs413() throws Exception {
        assertError(publish("big-body", "{\"text\":\"x\",\"pad\":\"" + "p".repeat(MAX_BODY) + "\"}"), 413, "too_large");
        HttpRequest chunked = HttpRequest.newBuilder(server.http("api/rooms/701/messages"))
                .header("Authorization", "Bearer " + TestTokens.valid("big-chunked"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        ("{\"text\":\"" + "y".repeat(MAX_BODY) + "\"}").getBytes(StandardCharsets.UTF_8))))
                .build();
        assertError(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(chunked, HttpResponse.BodyHandlers.ofString()), 413, "too_large");
    }

    @Test
    void aTextOverMaxTextUtf8BytesIs413AndUpToItIsAccepted() throws Exception {
        assertThat(publish("text-size", "{\"text\":\"" + "é".repeat(MAX_TEXT / 2) + "\"}").statusCode()).isEqualTo(202);
        assertError(publish("text-size", "{\"text\":\"" + "é".repeat(MAX_TEXT / 2) + "e\"}"), 413, "too_large");
        assertError(publish("text-size", "{\"text\":\"" + "x".repeat(MAX_TEXT + 1) + "\"}"), 413, "too_large");
    }

    // --- publish rate per user ---

    @Test
    void publishingOverTheRateOfAUserIs429AndOtherUsersAreNotAffected() throws Exception {
        for (int i = 0; i < BURST; i++) {
            assertThat(publish("hasty", "{\"text\":\"burst " + i + "\"}").statusCode()).isEqualTo(202);
        }
        assertError(publish("hasty", "{\"text\":\"one too many\"}"), 429, "rate_limited");
        assertThat(publish("patient", "{\"text\":\"mine\"}").statusCode()).isEqualTo(202);
    }

    // --- JAX-RS's own refusals ---

    @Test
    void anUnknownApiPathIs404WithTheJsonErrorBody() throws Exception {
        assertError(server.get("api/no-such-thing"), 404, "not_found");
        assertError(server.get("api/rooms/7/messages/extra"), 404, "not_found");
    }

    @Test
    void aWrongMethodIs405WithTheJsonErrorBodyAndAllow() throws Exception {
        HttpResponse<String> response = server.get("api/rooms/7/messages");
        assertError(response, 405, "method_not_allowed");
        assertThat(response.headers().firstValue("Allow")).hasValueSatisfying(v -> assertThat(v).contains("POST"));
        assertError(server.post("api/status", "{}", Map.of()), 405, "method_not_allowed");
    }
}
