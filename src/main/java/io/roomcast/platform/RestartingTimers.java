package io.roomcast.platform;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Delayed;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A scheduler for timers that are restarted all the time: Tyrus cancels a session's idle timer and
 * schedules a new one for every frame the session receives or sends. On a
 * {@link ScheduledThreadPoolExecutor} each restart takes the queue's one lock twice and re-sorts its
 * heap, from every thread that sends (docs/BENCHMARKS.md, "Decisions behind the code").
 *
 * <p>Here a timer belongs to an owner: the object its task was made by (an inner class's enclosing
 * instance, i.e. the session), else the task itself. Scheduling puts the timer in a concurrent map
 * under its owner, replacing the owner's previous one, and cancelling removes it: no lock, no
 * ordering. One thread visits the map every {@code resolution} and runs the timers that are due, so
 * a timer fires up to one resolution late, which suits a backstop idle timeout of minutes.
 *
 * <p>Only one-shot {@code schedule} calls are timers; anything else (periodic schedules, plain
 * {@code execute}) goes to the small executor behind, so the class stays a faithful
 * {@link ScheduledExecutorService}. The executor behind is not this class's to stop (it is a lane of the
 * application's scheduler): shutting this one down stops its sweep and drops its timers, and it then
 * refuses new work, but the executor behind runs on.
 */
public final class RestartingTimers extends AbstractExecutorService implements ScheduledExecutorService {

    private static final ClassValue<Field> ENCLOSING = new ClassValue<>() {
        @Override
        protected Field computeValue(Class<?> type) {
            // javac names an inner class's enclosing instance this$0, or this$1... when nested deeper
            for (Field field : type.getDeclaredFields()) {
                if (field.isSynthetic() && field.getName().startsWith("this$")) {
                    try {
                        field.setAccessible(true);
                        return field;
                    } catch (RuntimeException e) {
                        return null;
                    }
                }
            }
            return null;
        }
    };

    private final Map<Object, Timer> timers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService behind;
    private final LongSupplier nanoClock;
    private final Predicate<Object> ownerGone;
    private final ScheduledFuture<?> sweep;
    private volatile boolean shutdown;

    /**
     * @param behind    runs the sweep every {@code resolution}, the due timers, and everything that is
     *                  not a one-shot timer; not shut down by this scheduler
     * @param ownerGone whether a timer's owner has ended (a closed session): its timer is then dropped
     *                  at the next sweep, unrun, because Tyrus does not cancel a session's idle timer when
     *                  the session closes, and the timer would hold the closed session until its deadline
     */
    public RestartingTimers(ScheduledExecutorService behind, long resolution, TimeUnit unit, LongSupplier nanoClock,
                            Predicate<Object> ownerGone) {
        this.behind = behind;
        this.nanoClock = nanoClock;
        this.ownerGone = ownerGone;
        this.sweep = behind.scheduleWithFixedDelay(this::runDue, resolution, resolution, unit);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        refuseWhenShutDown();
        Object owner = ownerOf(command);
        Timer timer = new Timer(owner, command, nanoClock.getAsLong() + unit.toNanos(Math.max(0, delay)));
        timers.put(owner, timer);
        return timer;
    }

    /** Runs what is due and forgets the timers of owners that are gone; public for tests, which drive the clock. */
    public void runDue() {
        long now = nanoClock.getAsLong();
        for (Timer timer : timers.values()) {
            if (ownerGone.test(timer.owner)) {
                timers.remove(timer.owner, timer);
            } else if (timer.deadline - now <= 0 && timers.remove(timer.owner, timer)) {
                timer.fire();
            }
        }
    }

    /** Timers waiting; one per owner at most. */
    public int pending() {
        return timers.size();
    }

    static Object ownerOf(Runnable command) {
        Field enclosing = ENCLOSING.get(command.getClass());
        if (enclosing != null) {
            try {
                Object owner = enclosing.get(command);
                if (owner != null) {
                    return owner;
                }
            } catch (IllegalAccessException e) {
                // fall through: the task is its own owner
            }
        }
        return command;
    }

    private final class Timer implements ScheduledFuture<Object> {
        private final Object owner;
        private final Runnable command;
        private final long deadline;
        private volatile int state; // 0 waiting, 1 done, 2 cancelled

        Timer(Object owner, Runnable command, long deadline) {
            this.owner = owner;
            this.command = command;
            this.deadline = deadline;
        }

        void fire() {
            if (state != 0) {
                return;
            }
            state = 1;
            try {
                behind.execute(command);
            } catch (RuntimeException e) {
                command.run(); // shutting down: the timer still gets its one run
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (state != 0) {
                return false;
            }
            state = 2;
            timers.remove(owner, this);
            return true;
        }

        @Override
        public boolean isCancelled() {
            return state == 2;
        }

        @Override
        public boolean isDone() {
            return state != 0;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException("an idle timer has no result to wait for");
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("an idle timer has no result to wait for");
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(deadline - nanoClock.getAsLong(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }

    // ---------------------------------------------------------------- everything else: the executor behind

    private void refuseWhenShutDown() {
        if (shutdown) {
            throw new RejectedExecutionException("the session timers are shut down");
        }
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        refuseWhenShutDown();
        return behind.schedule(callable, delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        refuseWhenShutDown();
        return behind.scheduleAtFixedRate(command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        refuseWhenShutDown();
        return behind.scheduleWithFixedDelay(command, initialDelay, delay, unit);
    }

    @Override
    public void execute(Runnable command) {
        refuseWhenShutDown();
        behind.execute(command);
    }

    /** Stops the sweep and drops the timers waiting; what the executor behind already runs finishes there. */
    @Override
    public void shutdown() {
        shutdown = true;
        sweep.cancel(false);
        timers.clear();
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown || behind.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return isShutdown();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isShutdown();
    }
}
