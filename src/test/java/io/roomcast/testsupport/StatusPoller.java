package io.roomcast.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Waits for a server process launched by a test to serve {@code GET /api/status} with 200 (or, when it
 * requires credentials, with its own 401): ready means the application answers, not just the port.
 */
public final class StatusPoller {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);

    private StatusPoller() {
    }

    /**
     * Polls until 200, the process exits, or the deadline passes. Returns null when ready, otherwise
     * what was last seen ("exited with code N", "connection refused", "HTTP 404", ...).
     */
    public static String awaitOk(HttpClient http, Process process, URI status, Instant deadline) {
        return awaitOk(http, process, status, deadline, () -> null);
    }

    /**
     * As {@link #awaitOk(HttpClient, Process, URI, Instant)}, ending early too when {@code givenUp} says
     * why the server never will be ready (non-null), which it then returns.
     */
    public static String awaitOk(HttpClient http, Process process, URI status, Instant deadline,
                                 java.util.function.Supplier<String> givenUp) {
        AtomicReference<String> last = new AtomicReference<>("no answer yet");
        Duration wait = Duration.between(Instant.now(), deadline);
        if (wait.isNegative() || wait.isZero()) {
            return last.get();
        }
        try {
            // Ends on an answer either way: 200 (ready) or the process gone (never will be).
            await().atMost(wait).pollInterval(POLL_INTERVAL).until(() -> {
                if (!process.isAlive()) {
                    last.set("exited with code " + process.exitValue());
                    return true;
                }
                String reason = givenUp.get();
                if (reason != null) {
                    last.set(reason);
                    return true;
                }
                String seen = poll(http, status);
                last.set(seen);
                return seen == null;
            });
        } catch (ConditionTimeoutException e) {
            return last.get();
        }
        return last.get();
    }

    /**
     * Null for a 200, or for the application's own 401 {@code missing_credentials} (a server with
     * {@code roomcast.auth.anonymous=false} answers every anonymous request so, and only the WAR can);
     * else what was seen.
     */
    private static String poll(HttpClient http, URI status) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(status).timeout(Duration.ofSeconds(5))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            boolean credentialsRequired = response.statusCode() == 401 && response.body().contains("\"missing_credentials\"");
            return response.statusCode() == 200 || credentialsRequired ? null : "HTTP " + response.statusCode();
        } catch (ConnectException e) {
            return "connection refused";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
