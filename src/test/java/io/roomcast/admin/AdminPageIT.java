package io.roomcast.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.roomcast.testsupport.BrowserScript;
import io.roomcast.testsupport.LeftoverProcesses;
import io.roomcast.testsupport.PayaraMicroProcess;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin page (webapp/admin.html) in a real browser against a real server: headless Debian Chromium
 * driven by playwright-core (src/test/e2e/admin.e2e.mjs), Roomcast on Payara Micro, like DemoPageIT.
 *
 * <p>The script checks exact numbers, so the server is its own and fresh: dev mode on (its button and
 * {@code "admin":true} tokens), frame rates out of the way and a send queue of 16 frames (the slow
 * consumer it floods overflows within a few hundred lines), history off (nothing kept of the flood).
 *
 * <p>Needs what DemoPageIT needs ({@code node}, src/test/e2e/setup.sh). Optional
 * {@code roomcast.e2e.screenshots=docs/screenshots} refreshes admin-desktop.png and admin-phone.png.
 */
@ExtendWith(LeftoverProcesses.AtEnd.class)
class AdminPageIT {

    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(8);

    private static PayaraMicroProcess server;

    @BeforeAll
    static void installBrowserAndStartServer() throws Exception {
        BrowserScript.setUp("admin-page", AdminPageIT::log);
        server = PayaraMicroProcess.builder("admin-page-it")
                .systemProperty("roomcast.dev-mode", "true")
                .systemProperty("roomcast.shutdown.grace", "0")
                .env("ROOMCAST_LIMITS_RATE", "100000").env("ROOMCAST_LIMITS_BURST", "100000")
                .env("ROOMCAST_LIMITS_USER_RATE", "100000").env("ROOMCAST_LIMITS_USER_BURST", "100000")
                .env("ROOMCAST_LIMITS_SEND_QUEUE", "16")
                .env("ROOMCAST_HISTORY_SIZE", "0")
                .start();
        log("server up at " + server.baseUri() + " (log: " + server.logFile() + ")");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void anAdminSeesConnectionsRoomsRatesRefusalsAndSlowConsumersAndOthersSeeWhyNot() throws Exception {
        int exit = BrowserScript.run(BrowserScript.withScreenshots(BrowserScript.node("admin.e2e.mjs",
                server.baseUri().toString(), "--artifacts", BrowserScript.ARTIFACTS.toString())),
                "admin-page-e2e.log", SCRIPT_TIMEOUT, AdminPageIT::log, null);

        assertEquals(0, exit, "admin.e2e.mjs failed; its output is above and in target/admin-page-e2e.log, "
                + "failure screenshots in target/e2e/, server log in " + server.logFile());
    }

    private static void log(String line) {
        System.out.println("[AdminPageIT] " + line);
        System.out.flush();
    }
}
