package io.roomcast.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The suite leaves no process behind: every server, cluster member, browser or Node process a test
 * starts is a descendant of the test JVM, so at the end of the run none may still be alive. Any that
 * is gets killed (it is ours: we started it) and the run fails, naming it.
 *
 * <p>The check runs when the root context closes, after every resource of the run that was stored there
 * after it: whatever keeps processes for the whole run (the server pool, a shared cluster) calls
 * {@link #checkAtEnd} before storing itself, and a class that starts processes of its own declares
 * {@code @ExtendWith(LeftoverProcesses.AtEnd.class)}.
 */
public final class LeftoverProcesses {

    private static final Duration GRACE = Duration.ofSeconds(30);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LeftoverProcesses.class);

    private LeftoverProcesses() {
    }

    /**
     * Makes sure the check runs at the end of the run, after the resources stored in the root context
     * from now on (JUnit closes them in the reverse order of their storing).
     */
    public static void checkAtEnd(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Check.class, type -> new Check(), Check.class);
    }

    /** {@link #checkAtEnd} for a class that starts processes itself (and stops them in its {@code @AfterAll}). */
    public static final class AtEnd implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            checkAtEnd(context);
        }
    }

    private static final class Check implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            assertNoneAlive();
        }
    }

    private static void assertNoneAlive() {
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
