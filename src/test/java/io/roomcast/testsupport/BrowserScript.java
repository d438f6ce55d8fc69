package io.roomcast.testsupport;

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
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The Java side of the browser tests in src/test/e2e (DemoPageIT, DemoPageDurableRestartIT, AdminPageIT):
 * runs setup.sh, then a Node script, copying its output to the test log and a file of its own, answering
 * the requests it prints on stdout through its stdin, and ending it (and its browser) if it overruns.
 */
public final class BrowserScript {

    public static final Path BASEDIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    public static final Path E2E = BASEDIR.resolve("src/test/e2e");
    public static final Path TARGET = BASEDIR.resolve("target");
    /** Where the scripts put failure screenshots ({@code --artifacts}). */
    public static final Path ARTIFACTS = TARGET.resolve("e2e");
    private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(15);

    private BrowserScript() {
    }

    /**
     * setup.sh: Debian chromium if missing (apt-get, as root), then npm ci; idempotent. Its output goes to
     * {@code target/e2e-setup-<name>.log}, one per test class, so that classes run at once keep their own.
     */
    public static void setUp(String name, Consumer<String> log) throws IOException, InterruptedException {
        SetupScript.run(E2E, TARGET.resolve("e2e-setup-" + name + ".log"), SETUP_TIMEOUT, log);
    }

    /** {@code node <script> <args...>} with the node of {@code -Dnode.executable}, the script in src/test/e2e. */
    public static List<String> node(String script, String... args) {
        List<String> command = new ArrayList<>(List.of(System.getProperty("node.executable", "node"),
                E2E.resolve(script).toString()));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * Adds {@code --screenshots <dir>} when {@code -Droomcast.e2e.screenshots=docs/screenshots} asks for the
     * committed screenshots to be refreshed.
     */
    public static List<String> withScreenshots(List<String> command) {
        String screenshots = System.getProperty("roomcast.e2e.screenshots");
        if (screenshots != null && !screenshots.isBlank()) {
            command.addAll(List.of("--screenshots", BASEDIR.resolve(screenshots).toString()));
        }
        return command;
    }

    /**
     * Runs the command in src/test/e2e and returns its exit code. Each output line goes to the test log and
     * to {@code target/<logName>}; {@code answers} maps a (trimmed) line to the answer written to the
     * script's stdin, or null for ordinary output. With no answers its stdin is closed at once.
     */
    public static int run(List<String> command, String logName, Duration timeout, Consumer<String> log,
            UnaryOperator<String> answers) throws IOException, InterruptedException {
        log.accept("running " + String.join(" ", command));
        Process node = new ProcessBuilder(command).directory(E2E.toFile()).redirectErrorStream(true).start();
        if (answers == null) {
            node.getOutputStream().close();
        }
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        watchdog.schedule(() -> {
            log.accept("the script overran " + timeout.toMinutes() + " min: stopping it");
            stop(node);
        }, timeout.toSeconds(), TimeUnit.SECONDS);
        // A null resource (no answers: stdin already closed) is skipped by try-with-resources.
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter toNode = answers == null ? null : new PrintWriter(node.getOutputStream(), true, StandardCharsets.UTF_8);
             Writer copy = Files.newBufferedWriter(TARGET.resolve(logName), StandardCharsets.UTF_8)) {
            String line;
            while ((line = out.readLine()) != null) {
                log.accept("node | " + line);
                copy.write(line + System.lineSeparator());
                copy.flush();
                String answer = answers == null ? null : answers.apply(line.trim());
                if (answer != null) {
                    log.accept("answer | " + answer);
                    toNode.println(answer);
                }
            }
            return node.waitFor();
        } finally {
            watchdog.shutdownNow();
            stop(node);
        }
    }

    /** The script and its browser: this JVM started both. */
    private static void stop(Process node) {
        node.descendants().forEach(ProcessHandle::destroyForcibly);
        node.destroyForcibly();
    }
}
