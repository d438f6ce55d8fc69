package io.roomcast.testsupport;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * Waits for a server process launched by a test to serve {@code GET /api/status} with 200: ready
 * means the application answers, not just the port.
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
        String last = "no answer yet";
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                return "exited with code " + process.exitValue();
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(status).timeout(Duration.ofSeconds(5))
                        .GET().build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return null;
                }
                last = "HTTP " + response.statusCode();
            } catch (ConnectException e) {
                last = "connection refused";
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + status, e);
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + status, e);
            }
        }
        return last;
    }
}
