package io.roomcast.connection;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One timer per connection opened with a token, due at the token's {@code exp} plus the clock skew
 * (PROTOCOL 10). An idle connection costs nothing but its one scheduled task: no per-tick scan, and
 * not the heartbeat tick, which may come a whole interval late.
 *
 * <p>Each connection has at most one live timer, the one in {@link #pending}; a timer that is no
 * longer there (cancelled, or replaced by a refresh) does nothing when it runs, so the races between
 * a refresh, the end of the connection and the timer itself need no lock. A timer that runs before
 * the connection's current deadline (the token was refreshed meanwhile, or the scheduler's clock ran
 * ahead of the wall clock) arms itself again for the rest.
 */
public final class ExpiryTimers {

    /** What the timers need of a scheduled executor: run a task once after a delay. */
    @FunctionalInterface
    public interface Scheduler {
        Future<?> schedule(Runnable task, long delayMillis);
    }

    private final Scheduler scheduler;
    private final long skewMillis;
    private final LongSupplier epochMillis;
    private final Consumer<Connection> expired;
    private final Map<Connection, Timer> pending = new ConcurrentHashMap<>();

    /**
     * @param skewMillis the clock skew the token verifier allows, added to every deadline
     * @param epochMillis the wall clock, in which {@code exp} is expressed
     * @param expired ends a connection whose token expired; called at most once per connection
     */
    public ExpiryTimers(Scheduler scheduler, long skewMillis, LongSupplier epochMillis, Consumer<Connection> expired) {
        this.scheduler = scheduler;
        this.skewMillis = skewMillis;
        this.epochMillis = epochMillis;
        this.expired = expired;
    }

    /** Arms the timer of a connection that has just opened; guests, with no token, get none. */
    public void start(Connection connection) {
        if (connection.identity().expiresAt() != null) {
            arm(connection, null);
        }
    }

    /** Moves the timer to the connection's current deadline, after a refresh; nothing once stopped. */
    public void reschedule(Connection connection) {
        Timer current = pending.get(connection);
        if (current != null) {
            arm(connection, current);
        }
    }

    /** Cancels the timer of a connection that has ended. */
    public void stop(Connection connection) {
        Timer timer = pending.remove(connection);
        if (timer != null) {
            timer.cancel();
        }
    }

    /** Connections with a live timer. */
    public int size() {
        return pending.size();
    }

    private void arm(Connection connection, Timer previous) {
        Timer next = new Timer(connection);
        boolean installed = previous == null
                ? pending.putIfAbsent(connection, next) == null
                : pending.replace(connection, previous, next);
        if (!installed) {
            return; // stopped, or another thread armed a newer timer meanwhile
        }
        if (previous != null) {
            previous.cancel();
        }
        next.schedule(Math.max(0, remainingMillis(connection)));
    }

    private long remainingMillis(Connection connection) {
        return connection.identity().expiresAt() + skewMillis - epochMillis.getAsLong();
    }

    /** One scheduled expiry; it acts only while it is the connection's live timer. */
    private final class Timer implements Runnable {

        private final Connection connection;
        private volatile Future<?> future;
        private volatile boolean cancelled;

        Timer(Connection connection) {
            this.connection = connection;
        }

        void schedule(long delayMillis) {
            future = scheduler.schedule(this, delayMillis);
            if (cancelled) {
                future.cancel(false); // cancelled while it was being scheduled
            }
        }

        void cancel() {
            cancelled = true;
            Future<?> scheduled = future;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }

        @Override
        public void run() {
            if (pending.get(connection) != this) {
                return;
            }
            if (remainingMillis(connection) > 0) {
                arm(connection, this);
            } else if (pending.remove(connection, this)) {
                expired.accept(connection);
            }
        }
    }
}
