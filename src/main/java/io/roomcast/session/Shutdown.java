package io.roomcast.session;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.CloseReasons;
import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.platform.TermSignal;
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
    private final AtomicBoolean termReceived = new AtomicBoolean();
    private final CountDownLatch graceCutShort = new CountDownLatch(1);
    private Thread hook;
    private volatile TermSignal term;

    @Inject
    public Shutdown(RoomcastSettings settings, ConnectionRegistry connections) {
        this(settings.shutdownGrace(), connections);
    }

    Shutdown(Duration grace, ConnectionRegistry connections) {
        this.grace = grace;
        this.connections = connections;
    }

    /** For the CDI client proxy only. */
    protected Shutdown() {
        this.grace = null;
        this.connections = null;
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        hook = new Thread(this::closeAll, "roomcast-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
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

    private void startDrain(Runnable proceed) {
        connections.stopAccepting();
        LOG.log(Level.INFO, "SIGTERM: draining for {0,number,#} s (readiness DOWN, new connections refused with 503), "
                + "then closing {1} sessions with 1001", grace.toSeconds(), connections.size());
        // Not on the signal thread, and never a container thread: the server's executors may stop meanwhile.
        Thread drain = new Thread(() -> {
            try {
                graceCutShort.await(grace.toMillis(), TimeUnit.MILLISECONDS);
                closeAll();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                proceed.run();
            }
        }, "roomcast-drain");
        drain.setDaemon(true);
        drain.start();
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
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException | IllegalArgumentException | NullPointerException alreadyGoneOrNeverAdded) {
            // the JVM is shutting down (the hook runs or has run), or start() never ran
        }
        if (term != null && !termReceived.get()) {
            term.restore(); // a redeployed application takes it again; after a SIGTERM the drain hands it back itself
        }
        graceCutShort.countDown();
        closeAll();
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
