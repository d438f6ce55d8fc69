package io.roomcast.scheduling;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Owns every thread Roomcast makes for itself, with one lifecycle: made on first use, all stopped
 * together when the application ends ({@link #close}). The container's own executors (the heartbeat's
 * EJB timer, the managed executors) are not ours and stay the container's.
 *
 * <p>Work runs in named <em>lanes</em>: a lane is one daemon thread, {@code roomcast-<lane>}, with its
 * own queue, and each job has its own lane, so that one slow job (a JWKS fetch waiting for its provider,
 * a Hazelcast destroy) never delays another (an abort that is due, a token expiry). A lane's tasks run in
 * the order they were given, one at a time.
 *
 * <p>Users never shut a lane down: they cancel their own tasks and leave the lane to {@link #close}.
 */
@ApplicationScoped
public class ApplicationScheduler implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ApplicationScheduler.class.getName());
    private static final String PREFIX = "roomcast-";

    private final Map<String, ScheduledThreadPoolExecutor> lanes = new ConcurrentHashMap<>();
    private final List<Thread> exitHooks = new CopyOnWriteArrayList<>();
    private final ClassLoader application = ApplicationScheduler.class.getClassLoader();
    /** The server's kind of thread where it has one (see {@link WorkerThreads}). */
    private final WorkerThreads workers;
    private volatile boolean closed;

    /** Plain threads only. */
    public ApplicationScheduler() {
        this(WorkerThreads.PLAIN);
    }

    /** Each lane's thread from {@code workers}, or a plain one when it has none. */
    @Inject
    public ApplicationScheduler(WorkerThreads workers) {
        this.workers = workers;
    }

    /**
     * The lane of this name, {@code roomcast-<name>}, made on first use. Once this scheduler is closed a
     * lane rejects every task ({@link java.util.concurrent.RejectedExecutionException}), as a shut-down
     * executor does, and no thread is made.
     */
    public ScheduledExecutorService lane(String name) {
        ScheduledThreadPoolExecutor lane = lanes.computeIfAbsent(name, this::newLane);
        if (closed) {
            lane.shutdownNow(); // a lane made while close() ran, or after it: it never starts a thread
        }
        return lane;
    }

    private ScheduledThreadPoolExecutor newLane(String name) {
        String threadName = PREFIX + name;
        ScheduledThreadPoolExecutor lane = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = workers.newThread(task, threadName).orElseGet(() -> new Thread(task, threadName));
            thread.setDaemon(true);
            // Lane tasks end connections (an abort, an expiry, an idle timeout run @OnClose and encode
            // frames): they need the application's classes whichever thread asked for the lane first.
            thread.setContextClassLoader(application);
            return thread;
        });
        // Timers are cancelled and replaced all the time (token refreshes, aborts of connections that
        // closed): a cancelled one must not wait in the queue, holding its connection, until its delay ends.
        lane.setRemoveOnCancelPolicy(true);
        return lane;
    }

    /**
     * Runs {@code task} on a thread {@code roomcast-<name>} when the JVM shuts down, unless
     * {@link ExitHook#remove removed} first or this scheduler closed first. A JVM shutdown hook has to be
     * an unstarted {@link Thread} of its own: no lane can run it.
     */
    public ExitHook atJvmExit(String name, Runnable task) {
        Thread hook = new Thread(task, PREFIX + name);
        Runtime.getRuntime().addShutdownHook(hook);
        exitHooks.add(hook);
        return new ExitHook(this, hook);
    }

    /** A JVM shutdown hook registered by {@link #atJvmExit}. */
    public record ExitHook(ApplicationScheduler owner, Thread thread) {
        /** Takes the hook back; nothing happens when the JVM is already shutting down (it runs or has run). */
        public void remove() {
            owner.removeHook(thread);
        }
    }

    private void removeHook(Thread hook) {
        if (exitHooks.remove(hook)) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is shutting down: the hook runs or has run
            }
        }
    }

    /** The names of the lanes made so far. */
    public List<String> lanes() {
        return List.copyOf(lanes.keySet());
    }

    /**
     * Stops every lane: queued and delayed tasks are dropped, running ones interrupted; nothing waits for
     * them (a lane may be running the SIGTERM drain, which is what let the JVM stop). Removes the exit
     * hooks still registered.
     */
    @PreDestroy
    @Override
    public void close() {
        closed = true;
        for (ScheduledThreadPoolExecutor lane : lanes.values()) {
            lane.shutdownNow();
        }
        for (Thread hook : exitHooks) {
            removeHook(hook);
        }
        LOG.log(System.Logger.Level.DEBUG, "stopped the lanes {0}", lanes.keySet());
    }
}
