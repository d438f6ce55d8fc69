package io.roomcast.demo;

import static io.roomcast.testsupport.WsClient.type;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.roomcast.testsupport.LeftoverProcesses;
import io.roomcast.testsupport.PayaraMicroProcess;
import io.roomcast.testsupport.PostgresServer;
import io.roomcast.testsupport.Server;
import io.roomcast.testsupport.SetupScript;
import io.roomcast.testsupport.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The demo page (webapp/index.html with app.js, gaps.js and roomcast.js, unchanged) across a crash of a
 * server on the postgres store (PROTOCOL 14): after a SIGKILL and a restart it says "recovered N
 * messages", not "history started over". Headless Debian Chromium driven by playwright-core
 * (src/test/e2e/durable-restart.e2e.mjs) against a Payara Micro of this class's own with
 * {@code roomcast.store=postgres} on the run's shared PostgreSQL (a database of its own).
 *
 * <p>The page joins a room and sees bob's messages; the server is killed (SIGKILL of the PID this class
 * started) and restarted on the same port and database; bob, a JSON client here (Tyrus, a dev token, like
 * the page), publishes with acks while the page is still reconnecting (the script refuses its attempts
 * until then, so what it misses is known); then the page comes back by itself and must say "recovered 4
 * messages" and show every message once, in order, in the epoch it had before. The script asks and this
 * class answers over stdio: {@code PUBLISH <room> <count> <label>} (bob's acks as JSON),
 * {@code KILL_SERVER}, {@code RESTART_SERVER}.
 *
 * <p>The contrast, a restart on the memory store where the page says the history started over and
 * loads the new epoch's history, is DemoPageIT's last phase; it is not repeated here.
 *
 * <p>Payara Micro pass only: it tests the page and the client library, which are the same whatever
 * runtime serves them, not the runtime (DurableRoomsIT shows the restart on both runtimes with JSON
 * clients). The WildFly pass skips it, before anything starts.
 */
@ExtendWith({LeftoverProcesses.AtEnd.class, PostgresServer.Shared.class})
@DisabledIfSystemProperty(named = "roomcast.runtime", matches = "wildfly",
        disabledReason = "the page is the same on every runtime: it runs in the Payara Micro pass only")
class DemoPageDurableRestartIT {

    private static final Path BASEDIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private static final Path E2E = BASEDIR.resolve("src/test/e2e");
    private static final Path TARGET = BASEDIR.resolve("target");
    private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(10);
    /** An ack waits for the commit; a database beside a busy suite may be slow. */
    private static final Duration ACK_WAIT = Duration.ofSeconds(30);

    private static PayaraMicroProcess server;
    private static WsClient bob;

    @BeforeAll
    static void installBrowserAndStartServer(PostgresServer database) throws Exception {
        SetupScript.run(E2E, TARGET.resolve("e2e-setup-durable-restart.log"), SETUP_TIMEOUT,
                DemoPageDurableRestartIT::log);
        server = PayaraMicroProcess.builder("demo-page-durable-restart-it")
                .systemProperty("roomcast.store", "postgres")
                .systemProperty("roomcast.store.url", database.createDatabase("demo_page_durable_restart"))
                .systemProperty("roomcast.store.user", PostgresServer.USER)
                .systemProperty("roomcast.dev-mode", "true")
                .systemProperty("roomcast.heartbeat.interval", "2")
                .systemProperty("roomcast.shutdown.grace", "0")
                .start();
        log("server up at " + server.baseUri() + " (log: " + server.logFile() + ")");
    }

    @AfterAll
    static void stopServer() {
        closeBob();
        if (server != null) {
            server.stop();
        }
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void afterASigkillAndRestartOnThePostgresStoreThePageSaysRecoveredNMessagesAndShowsEachOnceInOrder()
            throws Exception {
        List<String> command = List.of(System.getProperty("node.executable", "node"),
                E2E.resolve("durable-restart.e2e.mjs").toString(), server.baseUri().toString(),
                "--artifacts", TARGET.resolve("e2e").toString());

        int exit = runScript(command);

        assertEquals(0, exit, "durable-restart.e2e.mjs failed; its output is above and in "
                + "target/demo-page-durable-restart-e2e.log, a screenshot in target/e2e/, server log in "
                + server.logFile());
    }

    /** Runs the script, copies its output to the test log and a file, and answers its requests. */
    private static int runScript(List<String> command) throws IOException, InterruptedException {
        log("running " + String.join(" ", command));
        Process node = new ProcessBuilder(command).directory(E2E.toFile()).redirectErrorStream(true).start();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        watchdog.schedule(() -> {
            log("the script overran " + SCRIPT_TIMEOUT.toMinutes() + " min: stopping it");
            node.descendants().forEach(ProcessHandle::destroyForcibly); // its browser
            node.destroyForcibly();
        }, SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter toNode = new PrintWriter(node.getOutputStream(), true, StandardCharsets.UTF_8);
             Writer copy = Files.newBufferedWriter(TARGET.resolve("demo-page-durable-restart-e2e.log"), StandardCharsets.UTF_8)) {
            String line;
            while ((line = out.readLine()) != null) {
                log("node | " + line);
                copy.write(line + System.lineSeparator());
                copy.flush();
                String answer = answer(line.trim());
                if (answer != null) {
                    log("answer | " + answer);
                    toNode.println(answer);
                }
            }
            return node.waitFor();
        } finally {
            watchdog.shutdownNow();
            node.descendants().forEach(ProcessHandle::destroyForcibly); // its browser
            node.destroyForcibly();
        }
    }

    /** The answer to one of the script's requests; null for its other output. A failure is the script's to report. */
    private static String answer(String request) {
        try {
            if (request.equals("KILL_SERVER")) {
                log("SIGKILL to the server's PID");
                server.kill();
                closeBob();
                return "KILLED";
            }
            if (request.equals("RESTART_SERVER")) {
                long t0 = System.nanoTime();
                server.restart();
                // Answering is not ready: bob's publishes need the store, and readiness (13.11) says when it is there.
                Server api = new Server(server.baseUri());
                await().atMost(ACK_WAIT).pollInterval(Duration.ofMillis(100))
                        .until(() -> api.get("api/health/ready").statusCode() == 200);
                log("server back on port " + server.port() + " after "
                        + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s");
                return "RESTARTED";
            }
            if (request.startsWith("PUBLISH ")) {
                String[] words = request.split(" ", 4);
                return "PUBLISHED " + publish(Integer.parseInt(words[1]), Integer.parseInt(words[2]), words[3]);
            }
            return null;
        } catch (Exception | AssertionError e) {
            log("could not serve " + request + ": " + e);
            String why = e.toString().replace('\n', ' ');
            return "FAILED " + (why.length() > 500 ? why.substring(0, 500) + "…" : why);
        }
    }

    /** bob publishes {@code label 1..count} in the room, each awaited to its ack; the acks as a JSON array. */
    private static String publish(int room, int count, String label) throws Exception {
        if (bob == null || !bob.isOpen()) {
            bob = connectBob(room);
        }
        JsonArrayBuilder acks = Json.createArrayBuilder();
        for (int i = 1; i <= count; i++) {
            String text = label + " " + i;
            String ref = "bob-" + System.nanoTime();
            bob.send(Json.createObjectBuilder().add("type", "message").add("room", room).add("text", text)
                    .add("ref", ref).build().toString());
            // The sender's own copy of the message carries the ref too, and may come first.
            JsonObject ack = bob.awaitJson(type("ack").or(type("error")).and(f -> ref.equals(f.getString("ref", ""))),
                    ACK_WAIT);
            if (!"ack".equals(ack.getString("type"))) {
                throw new AssertionError("bob's publish was answered with " + ack);
            }
            acks.add(Json.createObjectBuilder().add("text", text).add("epoch", ack.getString("epoch"))
                    .add("offset", ack.getJsonNumber("offset").longValueExact()));
        }
        return acks.build().toString();
    }

    /** A JSON client on /ws/auth with a dev token (a restarted server signs with a new dev key), in the room. */
    private static WsClient connectBob(int room) throws Exception {
        Server api = new Server(server.baseUri());
        HttpResponse<String> token = api.post("api/dev/tokens", "{\"user\":\"bob\"}", Map.of());
        if (token.statusCode() != 200) {
            throw new AssertionError("no dev token for bob: " + token.statusCode() + " " + token.body());
        }
        WsClient client = WsClient.connect(api.ws("ws/auth"),
                Map.of("Authorization", "Bearer " + WsClient.parse(token.body()).getString("token")));
        client.awaitJson(type("welcome"));
        client.send("{\"type\":\"join\",\"room\":" + room + "}");
        client.awaitJson(type("joined"));
        return client;
    }

    private static void closeBob() {
        if (bob != null) {
            bob.close();
            bob = null;
        }
    }

    private static void log(String line) {
        System.out.println("[DemoPageDurableRestartIT] " + line);
        System.out.flush();
    }
}
