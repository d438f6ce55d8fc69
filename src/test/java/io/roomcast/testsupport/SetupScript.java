package io.roomcast.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a test's {@code setup.sh} (installs what a Node-driven test needs: npm packages pinned by a
 * package-lock, Debian packages as root); each script skips what is done already.
 */
public final class SetupScript {

    private SetupScript() {
    }

    /** Runs {@code dir/setup.sh} with its output in {@code logFile}, then logs it; fails on a non-zero exit. */
    public static void run(Path dir, Path logFile, Duration timeout, Consumer<String> log)
            throws IOException, InterruptedException {
        Files.createDirectories(logFile.getParent());
        Process setup = new ProcessBuilder("bash", dir.resolve("setup.sh").toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        if (!setup.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            setup.destroyForcibly();
            throw new IllegalStateException("setup.sh did not finish in " + timeout.toMinutes() + " min; see " + logFile);
        }
        log.accept("setup.sh output:\n" + Files.readString(logFile, StandardCharsets.UTF_8));
        if (setup.exitValue() != 0) {
            throw new IllegalStateException("setup.sh failed with exit code " + setup.exitValue() + "; see " + logFile);
        }
    }
}
