package io.roomcast.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.roomcast.testsupport.LeftoverProcesses;
import io.roomcast.testsupport.PayaraMicroProcess;
import io.roomcast.testsupport.SetupScript;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The client library (webapp/roomcast.js) against a real Roomcast on Payara Micro: {@code node --test}
 * runs src/test/client/*.test.mjs, and any failing test fails this one.
 *
 * <p>This class provides the server: a known HS256 secret (the Node tests sign their own tokens, of
 * any lifetime, expired ones included), no clock skew (a 4 s token ends its connection in 4 s), a 1 s
 * heartbeat (the client's watchdog notices a dead link in 2.5 s), no drain at shutdown (a restart
 * tells the clients 1001 at once instead of after {@code roomcast.shutdown.grace}). Dev mode stays off: the tests need no dev
 * tokens, and it would not start next to the secret (PROTOCOL 13.9). It also runs a small
 * control server on loopback: {@code POST /restart} restarts Roomcast at the same address and answers
 * once it is back (the Node test runner captures its children's output, so the stdout handshake of
 * DemoPageIT would not reach us).
 *
 * <p>Needs {@code node} 20+ (or -Dnode.executable); src/test/client/setup.sh, run here, installs
 * the tests' one dependency ({@code ws}, pinned in package-lock.json) with {@code npm ci}.
 */
@ExtendWith(LeftoverProcesses.AtEnd.class)
class ClientLibraryIT {

    static final String JWT_SECRET = "client-library-it-secret-0123456789abcdef";

    private static final Path BASEDIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private static final Path TESTS = BASEDIR.resolve("src/test/client");
    private static final Path TARGET = BASEDIR.resolve("target");
    private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(12);

    private static PayaraMicroProcess server;
    private static HttpServer control;

    @BeforeAll
    static void installAndStart() throws Exception {
        runSetupScript();
        server = PayaraMicroProcess.builder("client-library-it")
                .env("ROOMCAST_JWT_SECRET", JWT_SECRET)
                .env("ROOMCAST_JWT_CLOCK_SKEW", "0")
                .env("ROOMCAST_HEARTBEAT_INTERVAL", "1")
                .env("ROOMCAST_HEARTBEAT_TIMEOUT", "10")
                .systemProperty("roomcast.shutdown.grace", "0")
                .start();
        log("server up at " + server.baseUri() + " (log: " + server.logFile() + ")");
        control = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        control.createContext("/restart", ClientLibraryIT::restart);
        control.start();
    }

    @AfterAll
    static void stop() {
        if (control != null) {
            control.stop(0);
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void theClientLibraryTestsPassAgainstARealServer() throws Exception {
        List<String> command = new ArrayList<>(List.of(System.getProperty("node.executable", "node"),
                "--test", "--test-concurrency=1")); // one file at a time: a restart must not hit another file's test
        try (Stream<Path> files = Files.list(TESTS)) {
            files.filter(f -> f.getFileName().toString().endsWith(".test.mjs")).sorted()
                    .forEach(f -> command.add(f.getFileName().toString()));
        }
        Map<String, String> env = Map.of(
                "ROOMCAST_URL", server.baseUri().toString(),
                "ROOMCAST_JWT_SECRET", JWT_SECRET,
                "ROOMCAST_CONTROL", "http://127.0.0.1:" + control.getAddress().getPort() + "/");

        NodeRun run = run(command, env);

        assertEquals(0, run.exit(), "node --test failed:" + System.lineSeparator() + run.failures()
                + "its whole output is above and in target/client-library-tests.log, server log in " + server.logFile());
    }

    /** POST /restart: stop and start Roomcast on the same port, answer 200 when it serves again. */
    private static void restart(HttpExchange exchange) throws IOException {
        int status = 200;
        String body = "restarted";
        try {
            if (!"POST".equals(exchange.getRequestMethod())) {
                status = 405;
                body = "POST only";
            } else {
                long t0 = System.nanoTime();
                log("restarting the server on port " + server.port());
                server.restart();
                log("server back after " + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s");
            }
        } catch (RuntimeException e) {
            status = 500;
            body = "restart failed: " + e.getMessage();
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** node's exit code and the TAP blocks of its failed tests (name, error, location). */
    private record NodeRun(int exit, String failures) {}

    /** Runs node, copying its output to the test log and target/client-library-tests.log; a watchdog ends an overrun. */
    private static NodeRun run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        log("running " + String.join(" ", command));
        ProcessBuilder builder = new ProcessBuilder(command).directory(TESTS.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process node = builder.start();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        watchdog.schedule(() -> {
            log("node --test overran " + SCRIPT_TIMEOUT.toMinutes() + " min: stopping it");
            node.descendants().forEach(ProcessHandle::destroyForcibly); // the test files it runs
            node.destroyForcibly();
        }, SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
             Writer copy = Files.newBufferedWriter(TARGET.resolve("client-library-tests.log"), StandardCharsets.UTF_8)) {
            TapFailures failures = new TapFailures();
            String line;
            while ((line = out.readLine()) != null) {
                log("node | " + line);
                copy.write(line + System.lineSeparator());
                copy.flush();
                failures.accept(line);
            }
            return new NodeRun(node.waitFor(), failures.toString());
        } finally {
            watchdog.shutdownNow();
            node.descendants().forEach(ProcessHandle::destroyForcibly); // the test files it runs
            node.destroyForcibly();
        }
    }

    /** setup.sh: npm ci of the pinned ws, skipped when node_modules is current. */
    private static void runSetupScript() throws IOException, InterruptedException {
        SetupScript.run(TESTS, TARGET.resolve("client-library-setup.log"), SETUP_TIMEOUT, ClientLibraryIT::log);
    }

    private static void log(String line) {
        System.out.println("[ClientLibraryIT] " + line);
        System.out.flush();
    }
}
