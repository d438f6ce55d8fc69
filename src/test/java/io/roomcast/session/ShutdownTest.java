package io.roomcast.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.connection.CloseReasons;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.TestConnections;
import io.roomcast.scheduling.ApplicationScheduler;
import jakarta.websocket.CloseReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The drain of a SIGTERM (PROTOCOL 13.11), without a JVM to stop: {@code proceed} stands for letting it stop. */
class ShutdownTest {

    private final ConnectionRegistry connections = new ConnectionRegistry();
    private final List<CloseReason> closes = new CopyOnWriteArrayList<>();
    private final ApplicationScheduler scheduler = new ApplicationScheduler();

    @AfterEach
    void end() {
        scheduler.close();
    }

    ShutdownTest() {
        connections.add(TestConnections.connection("c1", TestConnections.guest("guest-1", "10.0.0.1"),
                ConnectionKind.JSON, new ArrayList<>(), closes));
    }

    @Test
    void aSigtermStopsAcceptingAtOnceButKeepsSessionsOpenForTheGrace() {
        new Shutdown(Duration.ofHours(1), connections, scheduler).drain(() -> {
            throw new AssertionError("the grace is not over");
        });

        assertThat(connections.accepting()).as("readiness DOWN, handshakes refused").isFalse();
        assertThat(connections.size()).isEqualTo(1);
        assertThat(closes).isEmpty(); // only the end of the grace closes, and it is an hour away
    }

    @Test
    void aSecondSigtermEndsTheGraceThenEverySessionGets1001BeforeTheJvmMayStop() throws Exception {
        Shutdown shutdown = new Shutdown(Duration.ofHours(1), connections, scheduler);
        CompletableFuture<List<CloseReason>> closedWhenTheJvmMayStop = new CompletableFuture<>();

        shutdown.drain(() -> closedWhenTheJvmMayStop.complete(List.copyOf(closes)));
        shutdown.drain(() -> {
            throw new AssertionError("a second SIGTERM only ends the grace");
        });

        assertThat(closedWhenTheJvmMayStop.get(10, TimeUnit.SECONDS)).containsExactly(CloseReasons.SHUTTING_DOWN);
        assertThat(connections.size()).isZero();
        assertThat(connections.accepting()).isFalse();
    }

    @Test
    void noGraceClosesAtOnce() throws Exception {
        CompletableFuture<List<CloseReason>> closedWhenTheJvmMayStop = new CompletableFuture<>();

        new Shutdown(Duration.ZERO, connections, scheduler).drain(() -> closedWhenTheJvmMayStop.complete(List.copyOf(closes)));

        assertThat(closedWhenTheJvmMayStop.get(10, TimeUnit.SECONDS)).containsExactly(CloseReasons.SHUTTING_DOWN);
    }

    @Test
    void theDrainWaitsOutTheGraceInALaneOfItsOwn() throws Exception {
        CompletableFuture<String> proceededOn = new CompletableFuture<>();

        new Shutdown(Duration.ZERO, connections, scheduler).drain(() -> proceededOn.complete(Thread.currentThread().getName()));

        assertThat(proceededOn.get(10, TimeUnit.SECONDS)).isEqualTo("roomcast-drain");
    }

    @Test
    void whenTheApplicationEndsDuringTheGraceEverySessionGets1001AndTheJvmMayStopOnce() {
        Shutdown shutdown = new Shutdown(Duration.ofHours(1), connections, scheduler);
        List<List<CloseReason>> proceeded = new CopyOnWriteArrayList<>();
        shutdown.drain(() -> proceeded.add(List.copyOf(closes)));

        scheduler.close(); // the drain's lane goes first (or after: CDI does not order them)
        shutdown.stop();

        await().atMost(Duration.ofSeconds(10)).until(() -> !proceeded.isEmpty());
        assertThat(proceeded.get(0)).containsExactly(CloseReasons.SHUTTING_DOWN);
        assertThat(closes).containsExactly(CloseReasons.SHUTTING_DOWN);
        assertThat(proceeded).hasSize(1);
    }

    @Test
    void anUndeployClosesEverySessionWith1001() {
        new Shutdown(Duration.ofHours(1), connections, scheduler).stop();

        assertThat(closes).containsExactly(CloseReasons.SHUTTING_DOWN);
        assertThat(connections.accepting()).isFalse();
    }
}
