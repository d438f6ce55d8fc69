package io.roomcast.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.roomcast.testsupport.LeftoverProcesses;
import io.roomcast.testsupport.PayaraMicroProcess;
import io.roomcast.testsupport.SetupScript;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The demo page (webapp/index.html) in a real browser against a real server: headless Debian
 * Chromium driven by playwright-core (src/test/e2e/demo.e2e.mjs), Roomcast on Payara Micro.
 *
 * <p>The Node script does the browsing; this class provides the server, with dev tokens on, a 2 s
 * heartbeat and 5 messages of history per room (so that a short absence recovers and a longer one
 * does not, PROTOCOL 9.1), no drain at shutdown (the restart's pages hear 1001 at once), and restarts it when the script prints {@code RESTART_SERVER}, answering
 * {@code RESTARTED} on the script's stdin once the server is back at the same address.
 *
 * <p>Needs: {@code node} (or -Dnode.executable), and src/test/e2e/setup.sh, run here once, which
 * installs Debian's chromium when /usr/bin/chromium is missing (as root, through apt-get) and runs
 * {@code npm ci}. System properties: {@code payara.microJar}, {@code roomcast.war} (set by failsafe);
 * optional {@code roomcast.e2e.screenshots=docs/screenshots} to refresh the committed screenshots.
 */
@ExtendWith(LeftoverProcesses.AtEnd.class)
class DemoPageIT {

    private static final Path BASEDIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private static final Path E2E = BASEDIR.resolve("src/test/e2e");
    private static final Path TARGET = BASEDIR.resolve("target");
    private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(12);

    /** demo.e2e.mjs relies on it: 3 missed messages are recovered, 8 are too many. */
    private static final int HISTORY_SIZE = 5;

    private static PayaraMicroProcess server;

    @BeforeAll
    static void installBrowserAndStartServer() throws Exception {
        runSetupScript();
        server = PayaraMicroProcess.builder("demo-page-it")
                .systemProperty("roomcast.dev-mode", "true")
                .systemProperty("roomcast.shutdown.grace", "0")
                .env("ROOMCAST_HEARTBEAT_INTERVAL", "2")
                .env("ROOMCAST_HISTORY_SIZE", String.valueOf(HISTORY_SIZE))
                .start();
        log("server up at " + server.baseUri() + " (log: " + server.logFile() + ")");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    /**
     * The page's logic without a browser (node:test): webapp/gaps.js, what the page does about a gap
     * after a rejoin, and webapp/status-feed.js, its /ws/status loop.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void pageLogicOnItsOwn() throws Exception {
        int exit = runScript(List.of(System.getProperty("node.executable", "node"), "--test",
                E2E.resolve("gaps.test.mjs").toString(), E2E.resolve("status-feed.test.mjs").toString()),
                "page-logic-test.log");

        assertEquals(0, exit, "gaps.test.mjs or status-feed.test.mjs failed; the output is above and in "
                + "target/page-logic-test.log");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void twoPagesChatRecoverMissedMessagesOnceOrLoadHistoryAndReconnectAfterRestart() throws Exception {
        List<String> command = new ArrayList<>(List.of(
                System.getProperty("node.executable", "node"),
                E2E.resolve("demo.e2e.mjs").toString(),
                server.baseUri().toString(),
                "--artifacts", TARGET.resolve("e2e").toString()));
        String screenshots = System.getProperty("roomcast.e2e.screenshots");
        if (screenshots != null && !screenshots.isBlank()) {
            command.addAll(List.of("--screenshots", BASEDIR.resolve(screenshots).toString()));
        }

        int exit = runScript(command, "demo-page-e2e.log");

        assertEquals(0, exit, "demo.e2e.mjs failed; its output is above and in target/demo-page-e2e.log, "
                + "failure screenshots in target/e2e/, server log in " + server.logFile());
    }

    /**
     * Runs the Node script, copies its output to the test log and target/demo-page-e2e.log, and
     * serves its restart requests. A watchdog ends the script if it overruns.
     */
    private static int runScript(List<String> command, String logName) throws IOException, InterruptedException {
        log("running " + String.join(" ", command));
        Process node = new ProcessBuilder(command).directory(E2E.toFile()).redirectErrorStream(true).start();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        watchdog.schedule(() -> {
            log("demo.e2e.mjs overran " + SCRIPT_TIMEOUT.toMinutes() + " min: stopping it");
            node.descendants().forEach(ProcessHandle::destroyForcibly); // its browser
            node.destroyForcibly();
        }, SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter toNode = new PrintWriter(node.getOutputStream(), true, StandardCharsets.UTF_8);
             Writer copy = Files.newBufferedWriter(TARGET.resolve(logName), StandardCharsets.UTF_8)) {
            String line;
            while ((line = out.readLine()) != null) {
                log("node | " + line);
                copy.write(line + System.lineSeparator());
                copy.flush();
                if (line.trim().equals("RESTART_SERVER")) {
                    restartServer();
                    toNode.println("RESTARTED");
                }
            }
            return node.waitFor();
        } finally {
            watchdog.shutdownNow();
            node.descendants().forEach(ProcessHandle::destroyForcibly); // its browser
            node.destroyForcibly();
        }
    }

    private static void restartServer() {
        long t0 = System.nanoTime();
        log("restarting the server on port " + server.port());
        server.restart();
        log("server back after " + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s");
    }

    /** setup.sh: Debian chromium if missing (apt-get, as root), then npm ci. Idempotent. */
    private static void runSetupScript() throws IOException, InterruptedException {
        SetupScript.run(E2E, TARGET.resolve("e2e-setup.log"), SETUP_TIMEOUT, DemoPageIT::log);
    }

    private static void log(String line) {
        System.out.println("[DemoPageIT] " + line);
        System.out.flush();
    }
}
