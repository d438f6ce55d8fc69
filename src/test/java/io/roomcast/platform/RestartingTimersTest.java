package io.roomcast.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RestartingTimersTest {

    /** Stands in for TyrusSession: its idle command is an inner class, so the session owns the timer. */
    private final class Session {
        final List<String> closed;
        final String name;
        ScheduledFuture<?> idle;
        volatile boolean open = true;

        Session(String name, List<String> closed) {
            this.name = name;
            this.closed = closed;
        }

        void frame(long idleMs) {
            if (idle != null) {
                idle.cancel(false);
            }
            idle = timers.schedule(new IdleCommand(), idleMs, TimeUnit.MILLISECONDS);
        }

        final class IdleCommand implements Runnable {
            @Override
            public void run() {
                closed.add(name);
            }
        }
    }

    private final AtomicLong now = new AtomicLong();
    private final List<String> closed = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Runs due timers on the test's thread: the executor behind runs each command it is given at once. */
    private final ScheduledThreadPoolExecutor behind = new ScheduledThreadPoolExecutor(1) {
        @Override
        public void execute(Runnable command) {
            command.run();
        }
    };
    private final RestartingTimers timers = new RestartingTimers(behind, 1, TimeUnit.HOURS, now::get,
            owner -> owner instanceof Session session && !session.open);

    @AfterEach
    void stop() {
        timers.shutdownNow();
        behind.shutdownNow(); // not the timers' to stop: in the application, a lane the scheduler closes
    }

    @Test
    void aTimerFiresOnceItsDelayHasPassedAndNotBefore() {
        Session a = new Session("a", closed);
        a.frame(1000);

        now.set(TimeUnit.MILLISECONDS.toNanos(999));
        timers.runDue();
        assertThat(closed).isEmpty();

        now.set(TimeUnit.MILLISECONDS.toNanos(1000));
        timers.runDue();
        assertThat(closed).containsExactly("a");
        assertThat(a.idle.isDone()).isTrue();
        assertThat(timers.pending()).isZero();

        timers.runDue();
        assertThat(closed).containsExactly("a");
    }

    @Test
    void everyFrameRestartsTheSessionsTimerAndOnlyOneIsKeptPerSession() {
        Session a = new Session("a", closed);
        for (int frame = 0; frame < 10_000; frame++) {
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
            a.frame(1000);
        }
        assertThat(timers.pending()).isEqualTo(1);

        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(999));
        timers.runDue();
        assertThat(closed).isEmpty();
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        timers.runDue();
        assertThat(closed).containsExactly("a");
    }

    @Test
    void aCancelledTimerNeverFiresAndIsForgotten() {
        Session a = new Session("a", closed);
        Session b = new Session("b", closed);
        a.frame(10);
        b.frame(10);

        assertThat(a.idle.cancel(false)).isTrue();
        assertThat(a.idle.isCancelled()).isTrue();
        assertThat(timers.pending()).isEqualTo(1);

        now.set(TimeUnit.SECONDS.toNanos(1));
        timers.runDue();
        assertThat(closed).containsExactly("b");
        assertThat(a.idle.cancel(false)).as("already cancelled").isFalse();
    }

    @Test
    void theTimerOfAClosedSessionIsForgottenAtTheNextSweepUnrun() {
        Session a = new Session("a", closed);
        Session b = new Session("b", closed);
        a.frame(60_000);
        b.frame(60_000);
        a.open = false; // closed, and Tyrus does not cancel its idle timer

        timers.runDue();

        assertThat(timers.pending()).isEqualTo(1);
        now.set(TimeUnit.MINUTES.toNanos(1));
        timers.runDue();
        assertThat(closed).containsExactly("b");
    }

    @Test
    void aTaskWithoutAnEnclosingInstanceOwnsItsOwnTimer() {
        Runnable first = () -> closed.add("first");
        Runnable second = () -> closed.add("second");
        timers.schedule(first, 5, TimeUnit.MILLISECONDS);
        timers.schedule(second, 5, TimeUnit.MILLISECONDS);
        assertThat(timers.pending()).isEqualTo(2);

        now.set(TimeUnit.MILLISECONDS.toNanos(5));
        timers.runDue();
        assertThat(closed).containsExactlyInAnyOrder("first", "second");
    }

    @Test
    void theSweepRunsOnTheExecutorBehindEveryResolution() throws Exception {
        ScheduledThreadPoolExecutor real = new ScheduledThreadPoolExecutor(1);
        RestartingTimers swept = new RestartingTimers(real, 10, TimeUnit.MILLISECONDS, System::nanoTime, owner -> false);
        try {
            java.util.concurrent.CountDownLatch fired = new java.util.concurrent.CountDownLatch(1);
            swept.schedule(fired::countDown, 1, TimeUnit.MILLISECONDS);
            assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(swept.pending()).isZero();
        } finally {
            swept.shutdownNow();
            real.shutdownNow();
        }
    }

    @Test
    void shuttingTheTimersDownStopsTheirSweepAndLeavesTheExecutorBehindRunning() throws Exception {
        ScheduledThreadPoolExecutor real = new ScheduledThreadPoolExecutor(1);
        real.setRemoveOnCancelPolicy(true); // as the scheduler's lanes
        RestartingTimers swept = new RestartingTimers(real, 10, TimeUnit.MILLISECONDS, System::nanoTime, owner -> false);
        try {
            swept.schedule(() -> { }, 1, TimeUnit.HOURS);
            swept.shutdown();
            assertThat(swept.pending()).isZero();
            assertThat(swept.isShutdown()).isTrue();
            assertThat(real.getQueue()).isEmpty(); // the sweep's periodic task went with it
            assertThat(real.submit(() -> "still running").get(10, TimeUnit.SECONDS)).isEqualTo("still running");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> swept.schedule(() -> { }, 1, TimeUnit.SECONDS))
                    .isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
        } finally {
            real.shutdownNow();
        }
    }
}
