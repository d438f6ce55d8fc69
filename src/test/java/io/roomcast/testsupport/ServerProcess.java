package io.roomcast.testsupport;

import java.net.URI;
import java.time.Duration;

/**
 * Roomcast on a server running as a child process of the test, which the test may signal (its own
 * PID only): {@link PayaraMicroProcess}, {@link WildFlyProcess}.
 */
public interface ServerProcess extends AutoCloseable {

    /** {@code http://127.0.0.1:<port>/}: the application at context root /. */
    URI baseUri();

    /** Sends SIGTERM, as an operator or an orchestrator stops a server, and returns at once. */
    void terminate();

    /** Waits for the process to end by itself; true when it did within the wait. */
    boolean awaitExit(Duration wait) throws InterruptedException;

    /** SIGTERM and wait; killed if it does not stop in time. */
    void stop();

    @Override
    default void close() {
        stop();
    }
}
