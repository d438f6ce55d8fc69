package io.roomcast.platform;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.scheduling.ApplicationScheduler;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * Sets up the WebSocket container's session idle timers once, before the first session: their
 * timeout, and on Tyrus the scheduler they run on (see {@link ServerAdapter#replaceSessionTimers}),
 * {@link RestartingTimers} over the scheduler's lane {@code websocket-timers}, for the life of the deployment.
 *
 * <p>Liveness is Roomcast's own (heartbeats, {@code roomcast.heartbeat.timeout}); the container's idle
 * timeout, twice that, is only a backstop in case the heartbeat timer ever stops. It is the container
 * default rather than a per-session setting: Tyrus starts every session's timer with the default, and
 * with a default of 0 that timer fires at once and closes a session whose timeout was raised in
 * {@code @OnOpen} meanwhile (docs/BENCHMARKS.md, "Decisions behind the code").
 */
@WebListener
public class SessionTimers implements ServletContextListener {

    private static final Logger LOG = System.getLogger(SessionTimers.class.getName());

    @Inject
    RoomcastSettings settings;
    @Inject
    ApplicationScheduler scheduler;

    /**
     * Idle timers fire up to one sweep late: a fifteenth of the timeout, at most 10 s. They are a
     * backstop of minutes (twice the heartbeat timeout), and each sweep visits every session's timer
     * (docs/BENCHMARKS.md, "Decisions behind the code").
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
        if (container == null || ServerKind.of(container) != ServerKind.TYRUS) {
            return; // only Tyrus takes a scheduler of ours: no lane, no thread elsewhere
        }
        long sweep = sweepMillis(idleTimeoutMillis);
        // Every frame cancels the session's timer and schedules a new one: RestartingTimers makes
        // that a map update instead of two trips through a locked, sorted queue. An idle timeout closes
        // the session, which runs the endpoint's @OnClose: lanes have the application's class loader.
        RestartingTimers candidate = new RestartingTimers(scheduler.lane("websocket-timers"), sweep,
                TimeUnit.MILLISECONDS, System::nanoTime,
                owner -> owner instanceof Session session && !session.isOpen());
        if (ServerAdapter.replaceSessionTimers(container, candidate)) {
            timers = candidate;
            LOG.log(Level.INFO, "WebSocket session idle timers: one per session in a map, swept every {0} ms", sweep);
        } else {
            candidate.shutdown();
            LOG.log(Level.WARNING, "this Tyrus keeps its session idle timers on the managed executor:"
                    + " on Payara every frame then costs a class path scan (docs/BENCHMARKS.md)");
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (timers != null) {
            timers.shutdownNow();
        }
    }
}
