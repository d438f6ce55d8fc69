package io.roomcast.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.roomcast.testsupport.LeftoverProcesses;
import io.roomcast.testsupport.PayaraMicroProcess;
import io.roomcast.testsupport.SetupScript;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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

    private static final Path BASEDIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private static final Path E2E = BASEDIR.resolve("src/test/e2e");
    private static final Path TARGET = BASEDIR.resolve("target");
    private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(8);

    private static PayaraMicroProcess server;

    @BeforeAll
    static void installBrowserAndStartServer() throws Exception {
        SetupScript.run(E2E, TARGET.resolve("e2e-setup.log"), SETUP_TIMEOUT, AdminPageIT::log);
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
        List<String> command = new ArrayList<>(List.of(
                System.getProperty("node.executable", "node"),
                E2E.resolve("admin.e2e.mjs").toString(),
                server.baseUri().toString(),
                "--artifacts", TARGET.resolve("e2e").toString()));
        String screenshots = System.getProperty("roomcast.e2e.screenshots");
        if (screenshots != null && !screenshots.isBlank()) {
            command.addAll(List.of("--screenshots", BASEDIR.resolve(screenshots).toString()));
        }

        int exit = runScript(command);

        assertEquals(0, exit, "admin.e2e.mjs failed; its output is above and in target/admin-page-e2e.log, "
                + "failure screenshots in target/e2e/, server log in " + server.logFile());
    }

    /** Runs the Node script, copying its output to the test log and target/admin-page-e2e.log; a watchdog ends it if it overruns. */
    private static int runScript(List<String> command) throws IOException, InterruptedException {
        log("running " + String.join(" ", command));
        Process node = new ProcessBuilder(command).directory(E2E.toFile()).redirectErrorStream(true).start();
        node.getOutputStream().close();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        watchdog.schedule(() -> {
            log("admin.e2e.mjs overran " + SCRIPT_TIMEOUT.toMinutes() + " min: stopping it");
            node.descendants().forEach(ProcessHandle::destroyForcibly); // its browser
            node.destroyForcibly();
        }, SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
             Writer copy = Files.newBufferedWriter(TARGET.resolve("admin-page-e2e.log"), StandardCharsets.UTF_8)) {
            String line;
            while ((line = out.readLine()) != null) {
                log("node | " + line);
                copy.write(line + System.lineSeparator());
                copy.flush();
            }
            return node.waitFor();
        } finally {
            watchdog.shutdownNow();
            node.descendants().forEach(ProcessHandle::destroyForcibly);
            node.destroyForcibly();
        }
    }

    private static void log(String line) {
        System.out.println("[AdminPageIT] " + line);
        System.out.flush();
    }
}
