package io.roomcast.session;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.CloseReasons;
import io.roomcast.connection.Connection;
import io.roomcast.connection.ExpiryTimers;
import io.roomcast.scheduling.ApplicationScheduler;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.lang.System.Logger;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection opened with a token when the token expires: 1008 {@code token expired}, through
 * {@link ConnectionLifecycle#drop}, so it leaves its rooms with presence like any other end
 * (PROTOCOL 10). Every endpoint is concerned, {@code /ws/chat} and {@code /ws/status} included.
 *
 * <p>The timers run in the scheduler's lane {@code token-expiry}. Not the heartbeat tick (up to an
 * interval late), and not a managed scheduled executor (on Payara its context capture scans the class
 * path per task, see docs/BENCHMARKS.md). The lane of {@code platform.SessionTimers} exists only
 * on Tyrus and is busy restarting idle timers on every frame, so it is not shared. A cancelled timer
 * leaves the lane's queue at once (a refresh cancels one and schedules another).
 */
@ApplicationScoped
public class TokenExpiry {

    private static final Logger LOG = System.getLogger(TokenExpiry.class.getName());

    @Inject
    RoomcastSettings settings;
    @Inject
    ConnectionLifecycle lifecycle;
    @Inject
    ApplicationScheduler applicationScheduler;

    private ScheduledExecutorService scheduler;
    private ExpiryTimers timers;

    @PostConstruct
    void start() {
        scheduler = applicationScheduler.lane("token-expiry");
        timers = new ExpiryTimers(this::schedule, settings.jwtClockSkew().toMillis(), System::currentTimeMillis,
                this::expired);
    }

    /** A connection opened: its token, if any, now has a deadline. */
    public void opened(Connection connection) {
        timers.start(connection);
    }

    /** The connection's token was refreshed: the deadline follows the new {@code exp}. */
    public void refreshed(Connection connection) {
        timers.reschedule(connection);
    }

    /** The connection ended: its timer goes. */
    public void ended(Connection connection) {
        timers.stop(connection);
    }

    private void expired(Connection connection) {
        try {
            lifecycle.drop(connection, CloseReasons.TOKEN_EXPIRED);
        } catch (RuntimeException e) {
            // a scheduled task's exception would vanish in its future: say so here
            LOG.log(Level.WARNING, "closing " + connection + " at token expiry failed", e);
        }
    }

    private Future<?> schedule(Runnable task, long delayMillis) {
        try {
            return scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // the application is stopping and every session gets 1001 anyway
            return CompletableFuture.completedFuture(null);
        }
    }
}
