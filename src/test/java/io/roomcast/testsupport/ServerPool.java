package io.roomcast.testsupport;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One running server per settings {@link Profile} on the runtime under test, booted on first use
 * (by the first class that needs it) and stopped after the last test of the run. Every server is a
 * child process of this JVM started by {@link ServerProcess}'s launchers; once the pool and every other
 * resource of the run closed, {@link LeftoverProcesses} checks that no child process of the test JVM is
 * left (a failure if one is, after killing it).
 */
final class ServerPool implements ExtensionContext.Store.CloseableResource, AutoCloseable {

    private final TargetServer runtime;
    private final Map<Profile, FutureTask<Running>> servers = new ConcurrentHashMap<>();

    ServerPool(TargetServer runtime) {
        this.runtime = runtime;
    }

    /** The server of {@code profile}, booted now by the calling thread if nobody has yet. */
    Server server(Profile profile) {
        FutureTask<Running> boot = new FutureTask<>(() -> start(profile));
        FutureTask<Running> existing = servers.putIfAbsent(profile, boot);
        FutureTask<Running> task = existing != null ? existing : boot;
        task.run(); // no-op when another thread ran it (or runs it: then get() waits)
        try {
            return task.get().server();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + profile + " was starting", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the " + profile + " server did not start on " + runtime + ": "
                    + ServerTools.reasons(e.getCause()), e.getCause());
        }
    }

    private Running start(Profile profile) {
        String name = "server-" + profile.slug() + runtime.suffix();
        ServerProcess process = Launcher.start(runtime, name, profile.settings());
        return new Running(process, new Server(TargetServer.publicBase(process.baseUri()), process.healthUri()));
    }

    @Override
    public void close() {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (FutureTask<Running> task : servers.values()) {
            stops.add(CompletableFuture.runAsync(() -> {
                try {
                    task.get().process().stop();
                } catch (ExecutionException e) {
                    // never started: nothing to stop
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
    }

    private record Running(ServerProcess process, Server server) {
    }

    @Override
    public String toString() {
        return runtime + " " + servers.keySet().stream().map(Profile::slug).collect(Collectors.joining(", "));
    }

}
