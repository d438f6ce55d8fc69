package io.roomcast.platform;

import io.roomcast.config.RoomcastSettings;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Sets up the WebSocket container's session idle timers once, before the first session: their
 * timeout, and on Tyrus the scheduler they run on (see {@link ServerAdapter#replaceSessionTimers}),
 * which this listener owns for the life of the deployment.
 *
 * <p>Liveness is Roomcast's own (heartbeats, {@code roomcast.heartbeat.timeout}); the container's idle
 * timeout, twice that, is only a backstop in case the heartbeat timer ever stops. It is the container
 * default rather than a per-session setting: Tyrus starts every session's timer with the default, and
 * with a default of 0 that timer fires at once and closes a session whose timeout was raised in
 * {@code @OnOpen} meanwhile (the benchmark saw a few sessions per thousand closed that way).
 */
@WebListener
public class SessionTimers implements ServletContextListener {

    private static final Logger LOG = System.getLogger(SessionTimers.class.getName());

    @Inject
    RoomcastSettings settings;

    /**
     * Idle timers fire up to one sweep late: a fifteenth of the timeout, at most 10 s. They are a
     * backstop of minutes (twice the heartbeat timeout), and each sweep visits every session's timer, so
     * a sweep a second cost 1 % of a core at 10,000 sessions (docs/BENCHMARKS.md).
     */
    static long sweepMillis(long idleTimeoutMillis) {
        return Math.max(100, Math.min(10_000, idleTimeoutMillis / 15));
    }

    private RestartingTimers timers;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        Object container = event.getServletContext().getAttribute(ServerContainer.class.getName());
        long idleTimeoutMillis = settings.heartbeatTimeout().multipliedBy(2).toMillis();
        if (container instanceof ServerContainer serverContainer) {
            serverContainer.setDefaultMaxSessionIdleTimeout(idleTimeoutMillis);
        }
        long sweep = sweepMillis(idleTimeoutMillis);
        ClassLoader application = event.getServletContext().getClassLoader();
        ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, task -> {
            Thread timerThread = new Thread(task, "roomcast-websocket-timers");
            timerThread.setDaemon(true);
            // An idle timeout closes the session, which runs the endpoint's @OnClose.
            timerThread.setContextClassLoader(application);
            return timerThread;
        });
        // Every frame cancels the session's timer and schedules a new one: RestartingTimers makes
        // that a map update instead of two trips through a locked, sorted queue.
        RestartingTimers candidate = new RestartingTimers(thread, sweep, TimeUnit.MILLISECONDS, System::nanoTime,
                owner -> owner instanceof Session session && !session.isOpen());
        if (ServerAdapter.replaceSessionTimers(container, candidate)) {
            timers = candidate;
            LOG.log(Level.INFO, "WebSocket session idle timers: one per session in a map, swept every {0} ms", sweep);
        } else {
            candidate.shutdown();
            if (container != null && ServerKind.of(container) == ServerKind.TYRUS) {
                LOG.log(Level.WARNING, "this Tyrus keeps its session idle timers on the managed executor:"
                        + " on Payara every frame then costs a class path scan (docs/BENCHMARKS.md)");
            }
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (timers != null) {
            timers.shutdownNow();
        }
    }
}
