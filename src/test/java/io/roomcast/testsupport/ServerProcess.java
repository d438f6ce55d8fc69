package io.roomcast.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
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

    protected ServerProcess(String name) {
        // A test JVM that dies (or is killed by failsafe's timeout) must not leave a server behind.
        Runtime.getRuntime().addShutdownHook(new Thread(this::kill, "stop-" + name));
    }

    /** {@code http://127.0.0.1:<port>/}: the application at context root /. */
    public abstract URI baseUri();

    /**
     * Stops the server if it runs (after a {@link #kill()} there is nothing to stop) and starts it again
     * on the same ports with the same settings, returning once it answers.
     */
    public abstract ServerProcess restart();

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

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Dies at once, as a crashed machine would (SIGKILL): no shutdown hooks, no goodbye to peers. */
    public void kill() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            try {
                p.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Sends a signal ({@code STOP}, {@code CONT}, {@code QUIT}...) to this server's PID, and only that:
     * ProcessHandle cannot send SIGSTOP/SIGCONT, so the kill command does. Nothing when it is not running.
     */
    public void signal(String signal) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -" + signal + " " + p.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("kill -" + signal + " " + p.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending SIG" + signal, e);
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
