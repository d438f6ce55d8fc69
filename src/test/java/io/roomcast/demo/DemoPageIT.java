package io.roomcast.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.roomcast.testsupport.BrowserScript;
import io.roomcast.testsupport.LeftoverProcesses;
import io.roomcast.testsupport.PayaraMicroProcess;
import java.time.Duration;
import java.util.List;
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

    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(12);

    /** demo.e2e.mjs relies on it: 3 missed messages are recovered, 8 are too many. */
    private static final int HISTORY_SIZE = 5;

    private static PayaraMicroProcess server;

    @BeforeAll
    static void installBrowserAndStartServer() throws Exception {
        BrowserScript.setUp("demo-page", DemoPageIT::log);
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
        int exit = BrowserScript.run(List.of(System.getProperty("node.executable", "node"), "--test",
                BrowserScript.E2E.resolve("gaps.test.mjs").toString(),
                BrowserScript.E2E.resolve("status-feed.test.mjs").toString()),
                "page-logic-test.log", SCRIPT_TIMEOUT, DemoPageIT::log, null);

        assertEquals(0, exit, "gaps.test.mjs or status-feed.test.mjs failed; the output is above and in "
                + "target/page-logic-test.log");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void twoPagesChatRecoverMissedMessagesOnceOrLoadHistoryAndReconnectAfterRestart() throws Exception {
        int exit = BrowserScript.run(BrowserScript.withScreenshots(BrowserScript.node("demo.e2e.mjs",
                server.baseUri().toString(), "--artifacts", BrowserScript.ARTIFACTS.toString())),
                "demo-page-e2e.log", SCRIPT_TIMEOUT, DemoPageIT::log, DemoPageIT::answer);

        assertEquals(0, exit, "demo.e2e.mjs failed; its output is above and in target/demo-page-e2e.log, "
                + "failure screenshots in target/e2e/, server log in " + server.logFile());
    }

    /** The script's restart request: the server is restarted at the same address, then the script is told. */
    private static String answer(String request) {
        if (!request.equals("RESTART_SERVER")) {
            return null;
        }
        long t0 = System.nanoTime();
        log("restarting the server on port " + server.port());
        server.restart();
        log("server back after " + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s");
        return "RESTARTED";
    }

    private static void log(String line) {
        System.out.println("[DemoPageIT] " + line);
        System.out.flush();
    }
}
