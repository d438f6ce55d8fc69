package io.roomcast.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The plumbing {@link PayaraServerProcess} and {@link WildFlyProcess} share: the unpacked server found by
 * a system property, a template directory copied per server, and the runtime's own tool (asadmin,
 * jboss-cli.sh) run with its output in the server's log.
 */
final class ServerTools {

    private ServerTools() {
    }

    /** A system property the build sets; {@code profile} names the pom.xml profile that sets it. */
    static String required(String property, String profile) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set (the " + profile
                    + " profile of pom.xml sets it)");
        }
        return value;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(file);
            }
        }
    }

    /** Copies the tree {@code source} to {@code target}, leaving out what {@code skip} says of a path relative to source. */
    static void copyTree(Path source, Path target, Predicate<Path> skip) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path relative = source.relativize(file);
                if (skip.test(relative)) {
                    continue;
                }
                Path copy = target.resolve(relative.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        }
    }

    /** The last {@code lines} lines of a log, for failure messages (a note if it cannot be read). */
    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(" + log + " unreadable: " + e + ")";
        }
    }

    /** A {@code ==== <now> <what>} line in the log, which the tool's output follows. */
    static void note(Path log, String what) throws IOException {
        Files.writeString(log, "==== " + Instant.now() + " " + what + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * Starts the tool with its output appended to {@code log} and fails unless it exits with 0 within
     * {@code timeout}; {@code what} names it in the failure, which quotes the tool's last lines (asadmin
     * and jboss-cli say why they failed there, and CI shows only the message).
     */
    static void runLogged(ProcessBuilder builder, Path log, Duration timeout, String what)
            throws IOException, InterruptedException {
        long before = Files.exists(log) ? Files.size(log) : 0;
        Process tool = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!tool.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            tool.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException(what + " did not finish within " + timeout.toSeconds() + " s; see " + log
                    + "; it ended: " + lastOutput(log, before));
        }
        if (tool.exitValue() != 0) {
            throw new IllegalStateException(what + " failed with exit code " + tool.exitValue() + "; see " + log
                    + "; it ended: " + lastOutput(log, before));
        }
    }

    /** The last three lines the tool wrote to {@code log} from byte {@code from} on, as one line. */
    private static String lastOutput(Path log, long from) {
        try {
            byte[] all = Files.readAllBytes(log);
            List<String> lines = new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from),
                    StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(" + log + " unreadable: " + e + ")";
        }
    }

    /**
     * The first line of every message in {@code failure}'s cause chain, joined: what a one-line report
     * (Surefire's summary, which is all CI prints) needs to say why.
     */
    static String reasons(Throwable failure) {
        StringBuilder reasons = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().lines().findFirst().orElse("");
            reasons.append(reasons.length() == 0 ? "" : " <- ").append(message);
        }
        return reasons.toString();
    }
}
