package io.roomcast.platform;

import io.roomcast.scheduling.ApplicationScheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.WebConnection;
import jakarta.websocket.Session;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Finds each session's {@link SocketAbort} when it opens, and runs aborts when they are due, in a lane
 * of their own ({@code roomcast-socket-aborts}): an abort never waits, but it must not wait for a busy
 * executor either (a close that Payara runs there can wait on the very peer being aborted).
 *
 * <p>On Undertow the session leads to its channel ({@link UndertowAbort}). On Tyrus the session does not
 * lead to the server's connection without Tyrus's private fields, but the session opens inside the
 * upgrade handler's {@code init} (Tyrus's {@code TyrusHttpUpgradeHandler.init} creates the connection,
 * which calls {@code @OnOpen}), on the thread that runs it: {@link GuardedUpgradeHandler} runs that
 * {@code init} through {@link #initializing}, which holds the container's connection for that thread
 * meanwhile ({@link GrizzlyAbort}). Any other server, or anything that differs, gets {@link SocketAbort#NONE}
 * (logged once): there a slow consumer's connection is closed by {@code Session.close} alone.
 */
@ApplicationScoped
public class SocketAborts {

    private static final Logger LOG = System.getLogger(SocketAborts.class.getName());

    /** The container's connection whose WebSocket implementation is being initialised on this thread. */
    private final ThreadLocal<WebConnection> upgrading = new ThreadLocal<>();
    private final AtomicBoolean foundLogged = new AtomicBoolean();
    private final AtomicBoolean missingLogged = new AtomicBoolean();
    /** An abort can end in the endpoint's @OnClose: the lane's threads have the application's class loader. */
    private final ScheduledExecutorService timer;

    @Inject
    public SocketAborts(ApplicationScheduler scheduler) {
        this.timer = scheduler.lane("socket-aborts");
    }

    /** For the CDI client proxy only. */
    protected SocketAborts() {
        this.timer = null;
    }

    /**
     * Runs the WebSocket implementation's {@code init} of an upgraded connection: a session that opens
     * within it, on this thread, is given that connection's abort by {@link #forSession}.
     */
    public void initializing(WebConnection connection, Runnable init) {
        upgrading.set(connection);
        try {
            init.run();
        } finally {
            upgrading.remove();
        }
    }

    /** The abort of a session that is opening (from its {@code @OnOpen}); {@link SocketAbort#NONE} where there is none. */
    public SocketAbort forSession(Session session) {
        try {
            SocketAbort abort = switch (ServerKind.of(session)) {
                case UNDERTOW -> UndertowAbort.of(session);
                case TYRUS -> {
                    WebConnection connection = upgrading.get();
                    if (connection == null) {
                        throw new IllegalStateException("the session did not open inside its upgrade");
                    }
                    yield GrizzlyAbort.of(connection);
                }
                case OTHER -> throw new UnsupportedOperationException("a server Roomcast does not adapt to ("
                        + session.getClass().getName() + ")");
            };
            if (foundLogged.compareAndSet(false, true)) {
                LOG.log(Level.INFO, "sessions' TCP connections can be reset (slow consumers) through "
                        + abort.getClass().getSimpleName());
            }
            return abort;
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (missingLogged.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "a session's TCP connection cannot be reset on this server (logged once): "
                        + e + ". A slow consumer that reads nothing keeps it until the server closes it itself");
            }
            return SocketAbort.NONE;
        }
    }

    /**
     * Aborts the connection at {@code deadlineNanos} ({@link System#nanoTime()}), unless it is closed by
     * then; {@code onReset} is told when it was still open and was reset.
     */
    public void abortAt(SocketAbort abort, long deadlineNanos, Runnable onReset) {
        if (!abort.supported()) {
            return;
        }
        try {
            timer.schedule(() -> {
                if (abort.abort()) {
                    onReset.run();
                }
            }, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "no abort: shutting down");
        }
    }
}
