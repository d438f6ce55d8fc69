package io.roomcast.testsupport;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Roomcast on a server running as a child process of the test, which the test may signal (its own
 * PID only): {@link PayaraMicroProcess}, {@link WildFlyProcess}. Stopping is the same for both, so it
 * lives here; how a server is launched is each subclass's.
 */
public abstract class ServerProcess implements AutoCloseable {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    /** The running server, null while stopped; set by the subclass's launch. */
    protected Process process;

    /** {@code http://127.0.0.1:<port>/}: the application at context root /. */
    public abstract URI baseUri();

    /** Where the server serves {@code /health/*}: the HTTP port unless the runtime has a management port. */
    public URI healthUri() {
        return baseUri();
    }

    /** Sends SIGTERM, as an operator or an orchestrator stops a server (a drain, PROTOCOL 13.11; a second one ends it), and returns at once. */
    public synchronized void terminate() {
        if (process != null) {
            process.destroy();
        }
    }

    /** Waits for the process to end by itself; true when it did within the wait. */
    public boolean awaitExit(Duration wait) throws InterruptedException {
        Process p = process;
        return p == null || p.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops the server the way an operator would (SIGTERM: a drain of {@code roomcast.shutdown.grace}
     * seconds, then sessions get 1001 "server shutting down"), and waits for it; kills it if it does
     * not stop in time.
     */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }
}
