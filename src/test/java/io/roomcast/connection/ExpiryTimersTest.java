package io.roomcast.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-connection expiry timers, on a scheduler the test runs by hand and a clock it sets. */
class ExpiryTimersTest {

    private static final long SKEW = 30_000;
    private static final long NOW = 1_000_000;

    /** A scheduled task as the fake scheduler holds it. */
    private record Scheduled(Runnable task, long delayMillis, CompletableFuture<Void> future) {
        void fire() {
            if (!future.isCancelled()) {
                task.run();
            }
        }
    }

    private final List<Scheduled> scheduled = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong(NOW);
    private final List<Connection> expired = new ArrayList<>();
    private final ExpiryTimers timers = new ExpiryTimers(this::schedule, SKEW, clock::get, expired::add);

    private Future<?> schedule(Runnable task, long delayMillis) {
        Scheduled s = new Scheduled(task, delayMillis, new CompletableFuture<>());
        scheduled.add(s);
        return s.future();
    }

    private static Connection withToken(String id, long expiresAt) {
        return TestConnections.connection(id, new Identity("alice", true, "10.0.0.1", null, null, expiresAt),
                ConnectionKind.JSON, new ArrayList<>());
    }

    private Scheduled last() {
        return scheduled.get(scheduled.size() - 1);
    }

    @Test
    void aGuestConnectionGetsNoTimer() {
        timers.start(TestConnections.connection("c-1", TestConnections.guest("guest-1", "10.0.0.1"), ConnectionKind.JSON,
                new ArrayList<>()));
        assertThat(scheduled).isEmpty();
        assertThat(timers.size()).isZero();
    }

    @Test
    void theTimerIsDueAtTheTokensExpiryPlusTheClockSkew() {
        timers.start(withToken("c-1", NOW + 5_000));
        assertThat(scheduled).hasSize(1);
        assertThat(last().delayMillis()).isEqualTo(5_000 + SKEW);
    }

    @Test
    void aTimerThatComesDueExpiresTheConnectionOnceAndIsForgotten() {
        Connection connection = withToken("c-1", NOW + 5_000);
        timers.start(connection);
        clock.addAndGet(5_000 + SKEW);
        last().fire();
        assertThat(expired).containsExactly(connection);
        assertThat(timers.size()).isZero();
        last().fire();
        assertThat(expired).as("at most once").hasSize(1);
    }

    @Test
    void aTokenAlreadyPastItsDeadlineExpiresAtOnce() {
        timers.start(withToken("c-1", NOW - SKEW - 1));
        assertThat(last().delayMillis()).isZero();
    }

    @Test
    void aTimerThatRunsEarlyWaitsForTheRestInsteadOfClosing() {
        Connection connection = withToken("c-1", NOW + 5_000);
        timers.start(connection);
        clock.addAndGet(5_000 + SKEW - 20); // the scheduler's clock ran 20 ms ahead of the wall clock
        last().fire();
        assertThat(expired).isEmpty();
        assertThat(scheduled).hasSize(2);
        assertThat(last().delayMillis()).isEqualTo(20);
        clock.addAndGet(20);
        last().fire();
        assertThat(expired).containsExactly(connection);
    }

    @Test
    void aRefreshMovesTheTimerToTheNewExpiryAndTheOldOneNeverCloses() {
        Connection connection = withToken("c-1", NOW + 5_000);
        timers.start(connection);
        Scheduled old = last();
        connection.refreshToken(Set.of(7), NOW + 60_000);
        timers.reschedule(connection);
        assertThat(old.future().isCancelled()).isTrue();
        assertThat(last().delayMillis()).isEqualTo(60_000 + SKEW);
        assertThat(timers.size()).isEqualTo(1);

        clock.addAndGet(5_000 + SKEW);
        old.task().run(); // even if the cancelled task had already started
        assertThat(expired).isEmpty();
        clock.addAndGet(55_000);
        last().fire();
        assertThat(expired).containsExactly(connection);
    }

    @Test
    void aRefreshToAShorterTokenBringsTheDeadlineForward() {
        Connection connection = withToken("c-1", NOW + 60_000);
        timers.start(connection);
        connection.refreshToken(null, NOW + 1_000);
        timers.reschedule(connection);
        assertThat(last().delayMillis()).isEqualTo(1_000 + SKEW);
    }

    @Test
    void theOldTimerRunningAfterARefreshLeavesTheNewDeadlineInForce() {
        Connection connection = withToken("c-1", NOW + 5_000);
        timers.start(connection);
        Scheduled old = last();
        connection.refreshToken(null, NOW + 60_000);
        // the old timer runs between the new identity and the reschedule: it re-arms for the new deadline
        clock.addAndGet(5_000 + SKEW);
        old.fire();
        timers.reschedule(connection);
        assertThat(expired).isEmpty();
        assertThat(timers.size()).isEqualTo(1);
        List<Scheduled> live = scheduled.stream().filter(s -> !s.future().isCancelled()).toList();
        assertThat(live).hasSize(1);
        assertThat(live.get(0).delayMillis()).isEqualTo(55_000);
    }

    @Test
    void anEndedConnectionsTimerIsCancelledAndDoesNothingIfItStillRuns() {
        Connection connection = withToken("c-1", NOW + 5_000);
        timers.start(connection);
        Scheduled timer = last();
        timers.stop(connection);
        assertThat(timer.future().isCancelled()).isTrue();
        assertThat(timers.size()).isZero();
        clock.addAndGet(5_000 + SKEW);
        timer.task().run();
        assertThat(expired).isEmpty();
    }

    @Test
    void aRefreshAfterTheEndSchedulesNothing() {
        Connection connection = withToken("c-1", NOW + 5_000);
        timers.start(connection);
        timers.stop(connection);
        connection.refreshToken(null, NOW + 60_000);
        timers.reschedule(connection);
        assertThat(scheduled).hasSize(1);
        assertThat(timers.size()).isZero();
    }

    @Test
    void eachConnectionHasItsOwnTimer() {
        Connection first = withToken("c-1", NOW + 5_000);
        Connection second = withToken("c-2", NOW + 9_000);
        timers.start(first);
        timers.start(second);
        clock.addAndGet(5_000 + SKEW);
        scheduled.get(0).fire();
        assertThat(expired).containsExactly(first);
        assertThat(timers.size()).isEqualTo(1);
    }
}
