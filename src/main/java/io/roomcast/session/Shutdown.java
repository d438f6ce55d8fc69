package io.roomcast.session;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.CloseReasons;
import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.platform.TermSignal;
import io.roomcast.scheduling.ApplicationScheduler;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How the service ends (PROTOCOL 5 and 13.11). SIGTERM, the way operators and orchestrators stop a
 * server, starts a drain: at once readiness is DOWN and every new handshake is refused with 503
 * {@code shutting_down}, while the open sessions carry on for {@code roomcast.shutdown.grace}
 * seconds, so that a load balancer polling readiness stops sending clients here before anyone is
 * cut off; then every session gets 1001 "server shutting down", and only then does the JVM run its
 * shutdown (the server stops its listeners). A second SIGTERM ends the grace at once.
 *
 * <p>Every other end goes straight to the last step: a JVM shutdown without SIGTERM (SIGINT,
 * {@code System.exit}, a JVM that gives no signal to the application) from a shutdown hook, which
 * runs before the server's listeners are gone; an undeploy from {@code @PreDestroy}.
 */
@ApplicationScoped
public class Shutdown {

    private static final Logger LOG = System.getLogger(Shutdown.class.getName());

    private final Duration grace;
    private final ConnectionRegistry connections;
    private final ApplicationScheduler scheduler;
    private final AtomicBoolean termReceived = new AtomicBoolean();
    private final CountDownLatch graceCutShort = new CountDownLatch(1);
    private ApplicationScheduler.ExitHook hook;
    private volatile TermSignal term;
    /** The drain's {@code proceed}, run once, by the drain or by {@link #stop()}: see there. */
    private volatile Runnable proceedOnce;

    @Inject
    public Shutdown(RoomcastSettings settings, ConnectionRegistry connections, ApplicationScheduler scheduler) {
        this(settings.shutdownGrace(), connections, scheduler);
    }

    Shutdown(Duration grace, ConnectionRegistry connections, ApplicationScheduler scheduler) {
        this.grace = grace;
        this.connections = connections;
        this.scheduler = scheduler;
    }

    /** For the CDI client proxy only. */
    protected Shutdown() {
        this.grace = null;
        this.connections = null;
        this.scheduler = null;
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        hook = scheduler.atJvmExit("shutdown", this::closeAll);
        StringBuilder why = new StringBuilder();
        term = TermSignal.intercept(() -> drain(this::letTheJvmStop), why).orElse(null);
        if (term != null) {
            LOG.log(Level.INFO, "SIGTERM drains for {0,number,#} s before sessions are closed (roomcast.shutdown.grace): "
                    + "readiness DOWN, new connections refused", grace.toSeconds());
        } else {
            LOG.log(Level.WARNING, "SIGTERM cannot be handled here ({0}): a shutdown closes sessions at once, "
                    + "with no drain and no readiness DOWN beforehand", why);
        }
    }

    /**
     * The drain of a SIGTERM: stop accepting now, close every session after the grace, then run
     * {@code proceed} (which lets the JVM stop). A second call ends the grace at once.
     */
    void drain(Runnable proceed) {
        if (!termReceived.compareAndSet(false, true)) {
            LOG.log(Level.INFO, "SIGTERM again: ending the drain now");
            graceCutShort.countDown();
            return;
        }
        try {
            startDrain(proceed);
        } catch (RuntimeException e) {
            // The signal is ours to hand back whatever happens, or the JVM would never stop.
            LOG.log(Level.ERROR, "SIGTERM: the drain could not start; stopping at once", e);
            try {
                closeAll();
            } finally {
                proceed.run();
            }
        }
    }

    private void startDrain(Runnable proceedAtEnd) {
        AtomicBoolean proceeded = new AtomicBoolean();
        Runnable proceed = () -> {
            if (proceeded.compareAndSet(false, true)) {
                proceedAtEnd.run();
            }
        };
        proceedOnce = proceed;
        connections.stopAccepting();
        LOG.log(Level.INFO, "SIGTERM: draining for {0,number,#} s (readiness DOWN, new connections refused with 503), "
                + "then closing {1} sessions with 1001", grace.toSeconds(), connections.size());
        // Not on the signal thread, and never a container thread: the server's executors may stop meanwhile.
        // A lane of its own: it waits out the grace. Rejected (the application already ended): see drain();
        // dropped unrun or interrupted (the application ends meanwhile): stop() proceeds.
        scheduler.lane("drain").execute(() -> {
            boolean interrupted = false;
            try {
                graceCutShort.await(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                interrupted = true; // the scheduler closed: the application is ending, so the grace is over
            }
            try {
                closeAll();
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                proceed.run();
            }
        });
    }

    private void letTheJvmStop() {
        TermSignal taken = term;
        if (taken != null) {
            taken.proceed();
        } else {
            Runtime.getRuntime().exit(143); // a SIGTERM that came while start() was still taking it: 128 + 15, as the JVM's own
        }
    }

    @PreDestroy
    void stop() {
        if (hook != null) { // null: start() never ran
            hook.remove();
        }
        if (term != null && !termReceived.get()) {
            term.restore(); // a redeployed application takes it again; after a SIGTERM the drain hands it back itself
        }
        graceCutShort.countDown();
        closeAll();
        Runnable proceed = proceedOnce;
        if (proceed != null) {
            // The application ends during a drain: its lane may be gone with the drain unrun, and the
            // signal is ours to hand back whatever happens (a no-op when the drain already did).
            proceed.run();
        }
    }

    /** Every session, 1001 "server shutting down", on the calling thread: no executor can be relied on now. */
    void closeAll() {
        int closed = 0;
        for (Connection connection : connections.drain()) {
            if (connections.remove(connection)) {
                connection.closeNow(CloseReasons.SHUTTING_DOWN);
                closed++;
            }
        }
        if (closed > 0) {
            LOG.log(Level.INFO, "shutting down: closed {0} connections with 1001", closed);
        }
    }
}
