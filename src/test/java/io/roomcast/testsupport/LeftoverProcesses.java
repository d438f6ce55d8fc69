package io.roomcast.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The suite leaves no process behind: every server, cluster member, browser or Node process a test
 * starts is a descendant of the test JVM, so at the end of the run none may still be alive. Any that
 * is gets killed (it is ours: we started it) and the run fails, naming it.
 */
final class LeftoverProcesses {

    private static final Duration GRACE = Duration.ofSeconds(30);

    private LeftoverProcesses() {
    }

    static void assertNoneAlive() {
        Instant deadline = Instant.now().plus(GRACE);
        List<ProcessHandle> alive = alive();
        while (!alive.isEmpty() && Instant.now().isBefore(deadline)) {
            // a process stopped a moment ago may still be exiting: give it the grace to finish
            alive.forEach(p -> p.onExit().completeOnTimeout(p, 1, java.util.concurrent.TimeUnit.SECONDS).join());
            alive = alive();
        }
        if (alive.isEmpty()) {
            return;
        }
        String described = alive.stream()
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                .collect(Collectors.joining("\n  "));
        alive.forEach(ProcessHandle::destroyForcibly);
        throw new AssertionError("processes left behind by the tests (now killed):\n  " + described);
    }

    private static List<ProcessHandle> alive() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
    }
}
