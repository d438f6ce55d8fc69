package io.roomcast.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ApplicationSchedulerTest {

    private final ApplicationScheduler scheduler = new ApplicationScheduler();

    @AfterEach
    void close() {
        scheduler.close();
    }

    private static Thread threadOf(ScheduledExecutorService lane) throws Exception {
        return lane.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aLaneRunsOnOneDaemonThreadNamedAfterIt() throws Exception {
        ScheduledExecutorService lane = scheduler.lane("token-expiry");

        Thread first = threadOf(lane);
        assertThat(first.getName()).isEqualTo("roomcast-token-expiry");
        assertThat(first.isDaemon()).isTrue();
        assertThat(first.getContextClassLoader()).isSameAs(ApplicationScheduler.class.getClassLoader());
        assertThat(threadOf(lane)).isSameAs(first);
    }

    @Test
    void theSameNameIsTheSameLaneAndEachNameHasItsOwnThread() throws Exception {
        assertThat(scheduler.lane("a")).isSameAs(scheduler.lane("a"));

        assertThat(threadOf(scheduler.lane("a"))).isNotSameAs(threadOf(scheduler.lane("b")));
        assertThat(scheduler.lanes()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void aBlockedLaneDoesNotDelayAnother() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        scheduler.lane("slow").execute(() -> {
            blocked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
        try {
            CountDownLatch ran = new CountDownLatch(1);
            scheduler.lane("fast").schedule(ran::countDown, 1, TimeUnit.MILLISECONDS);
            assertThat(ran.await(10, TimeUnit.SECONDS)).as("ran while the other lane was blocked").isTrue();
        } finally {
            release.countDown();
        }
    }

    @Test
    void closingStopsEveryLaneAndInterruptsWhatRuns() throws Exception {
        ScheduledExecutorService a = scheduler.lane("a");
        ScheduledExecutorService b = scheduler.lane("b");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        a.execute(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        b.schedule(() -> { }, 1, TimeUnit.HOURS);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        scheduler.close();

        assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(a.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(b.awaitTermination(10, TimeUnit.SECONDS)).as("a delayed task does not hold its lane").isTrue();
    }

    @Test
    void aLaneAskedForAfterCloseRejectsWork() {
        scheduler.close();

        assertThatThrownBy(() -> scheduler.lane("late").execute(() -> { }))
                .isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void aCancelledTaskLeavesItsLaneAtOnce() {
        ScheduledExecutorService lane = scheduler.lane("timers");
        lane.schedule(() -> { }, 1, TimeUnit.HOURS).cancel(false);

        assertThat(((java.util.concurrent.ScheduledThreadPoolExecutor) lane).getQueue()).isEmpty();
    }

    @Test
    void anExitHookIsAThreadNamedAfterItAndIsTakenBackOnCloseOrRemove() {
        ApplicationScheduler.ExitHook removed = scheduler.atJvmExit("first", () -> { });
        ApplicationScheduler.ExitHook closed = scheduler.atJvmExit("second", () -> { });
        assertThat(closed.thread().getName()).isEqualTo("roomcast-second");

        removed.remove();
        // a hook is registered once: adding it again succeeds only once it was removed
        Runtime.getRuntime().addShutdownHook(removed.thread());
        Runtime.getRuntime().removeShutdownHook(removed.thread());
        scheduler.close();
        assertThat(Runtime.getRuntime().removeShutdownHook(closed.thread())).as("already removed by close").isFalse();
    }
}
