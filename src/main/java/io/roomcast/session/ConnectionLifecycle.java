package io.roomcast.session;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.CloseReasons;
import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.FrameSink;
import io.roomcast.connection.FrameSinks;
import io.roomcast.connection.FrameSize;
import io.roomcast.connection.Identity;
import io.roomcast.connection.Ids;
import io.roomcast.connection.OutboundQueue;
import io.roomcast.connection.TokenBucket;
import io.roomcast.connection.UserRates;
import io.roomcast.logging.LogText;
import io.roomcast.observability.Histogram;
import io.roomcast.observability.RoomcastMetrics;
import io.roomcast.platform.DeploymentSendPath;
import io.roomcast.platform.SocketAbort;
import io.roomcast.platform.SocketAborts;
import io.roomcast.room.RoomCommand;
import io.roomcast.room.Rooms;
import io.roomcast.status.StatusPublisher;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.System.Logger;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Opens and ends connections. Every way a session ends (the peer closes, an I/O error, a heartbeat
 * timeout, a slow consumer, rate abuse) passes through {@link #end}, which removes the connection
 * from the registry and its rooms exactly once. Shutdown, which closes every session at once, is
 * {@link Shutdown}'s.
 */
@ApplicationScoped
public class ConnectionLifecycle {

    private static final Logger LOG = System.getLogger(ConnectionLifecycle.class.getName());
    /** Consecutive seconds with refused frames after which a connection is closed (PROTOCOL 5). */
    private static final int RATE_ABUSE_SECONDS = 10;
    /**
     * How long after its overflow a slow consumer's TCP connection may stay open (PROTOCOL 13.7: at most
     * 5 s): time for the 1013 close frame to reach a peer that still reads, well inside the bound.
     */
    static final long SLOW_CONSUMER_RESET_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final RoomcastSettings settings;
    private final ConnectionRegistry connections;
    private final Rooms rooms;
    private final StatusPublisher status;
    private final Ids ids;
    private final RoomcastMetrics metrics;
    private final TokenExpiry expiry;
    private final DeploymentSendPath sendPath;
    private final UserRates userRates;
    private final SocketAborts socketAborts;
    @Resource
    ManagedExecutorService executor;

    @Inject
    public ConnectionLifecycle(RoomcastSettings settings, ConnectionRegistry connections, Rooms rooms,
                               StatusPublisher status, Ids ids, RoomcastMetrics metrics,
                               TokenExpiry expiry, DeploymentSendPath sendPath, UserRates userRates,
                               SocketAborts socketAborts) {
        this.settings = settings;
        this.connections = connections;
        this.rooms = rooms;
        this.status = status;
        this.ids = ids;
        this.metrics = metrics;
        this.expiry = expiry;
        this.sendPath = sendPath;
        this.userRates = userRates;
        this.socketAborts = socketAborts;
    }

    /** For the CDI client proxy only. */
    protected ConnectionLifecycle() {
        this(null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * Registers a freshly opened session. The identity comes from the handshake guard as the
     * session's user principal; the connection is kept in the session's user properties. Returns null,
     * having closed the session with 1001, when the server is shutting down.
     */
    public Connection open(Session session, ConnectionKind kind) {
        if (!(session.getUserPrincipal() instanceof Identity identity)) {
            // Only reachable when the handshake filter was bypassed: never accept such a session.
            throw new IllegalStateException("session opened without a handshake identity");
        }
        // The idle timeout is the container default, set once by platform.SessionTimers.
        session.setMaxTextMessageBufferSize(settings.maxTextBytes());
        session.setMaxBinaryMessageBufferSize(settings.maxBinaryBytes());
        long now = System.nanoTime();
        FrameSink sink = FrameSinks.of(session, sendPath.of(session));
        SocketAbort socket = socketAborts.forSession(session);
        // The queue calls back on the executor, never inside the offer or completion that detected it
        // (which may hold a room's lock): see OutboundQueue.
        Histogram depth = metrics.sendQueueDepth(); // the histogram itself: no CDI proxy per queued frame
        Connection connection = new Connection(ids.connectionId(), identity, kind,
                self -> new OutboundQueue(sink,
                        settings.sendQueue(), settings.sendQueueBytes(), executor,
                        overflowNanos -> slowConsumer(self, socket, overflowNanos),
                        failure -> end(self, "send failed: " + failure), depth::record),
                reason -> closeSession(session, reason), reason -> closeQuietly(session, reason),
                new TokenBucket(settings.ratePerSecond(), settings.rateBurst(), now), now);
        if (!connections.add(connection)) {
            closeQuietly(session, CloseReasons.SHUTTING_DOWN);
            return null;
        }
        if (sink.direct()) {
            metrics.directSendSessionOpened();
        }
        session.getUserProperties().put(Connection.USER_PROPERTY, connection);
        expiry.opened(connection); // after add: an expiry that came first would find nothing to drop
        rooms.open(new RoomCommand.Open(connection));
        status.changed();
        return connection;
    }

    /** The connection of an open session; null if the session never completed {@link #open}. */
    public Connection of(Session session) {
        return (Connection) session.getUserProperties().get(Connection.USER_PROPERTY);
    }

    /** Records a sign of life (a pong) and returns the session's connection. */
    public Connection seen(Session session) {
        Connection connection = of(session);
        if (connection != null) {
            connection.seen(System.nanoTime());
        }
        return connection;
    }

    /**
     * Receives a text frame: a sign of life, and checked against {@code roomcast.limits.max-text}.
     * Returns the connection, or null when the frame was too big and the connection is being closed
     * with 1009. The check is ours because the WebSocket API only takes the limit as a compile-time
     * annotation value, and buffer-size setters do not limit whole frames everywhere.
     */
    public Connection receivedText(Session session, String text) {
        Connection connection = seen(session);
        if (connection != null && FrameSize.utf8LengthExceeds(text, settings.maxTextBytes())) {
            drop(connection, CloseReasons.TOO_BIG);
            return null;
        }
        return connection;
    }

    /** As {@link #receivedText}, against {@code roomcast.limits.max-binary}. */
    public Connection receivedBinary(Session session, ByteBuffer bytes) {
        Connection connection = seen(session);
        if (connection != null && bytes.remaining() > settings.maxBinaryBytes()) {
            drop(connection, CloseReasons.TOO_BIG);
            return null;
        }
        return connection;
    }

    /**
     * Counts a data frame against the connection's rate, then against the rate its user (a guest: its
     * address) shares with its other connections (PROTOCOL 13.5). False when the frame must be dropped;
     * after ten consecutive seconds with drops, by either bucket, the connection is closed with 1008.
     * A frame the connection's own bucket refuses takes nothing from the shared one, so one flooding
     * connection does not spend its siblings' share on frames that are dropped anyway.
     */
    public boolean admit(Connection connection) {
        metrics.messageIn();
        long now = System.nanoTime();
        TokenBucket bucket = connection.rate();
        if (bucket.tryTake(now)) {
            if (userRates.tryTake(connection.owner(), now)) {
                return true;
            }
            bucket.refusedElsewhere(now);
        }
        if (bucket.consecutiveRefusedSeconds() >= RATE_ABUSE_SECONDS) {
            drop(connection, CloseReasons.RATE_ABUSE);
        }
        return false;
    }

    /** The peer or the container closed the session. */
    public void closed(Session session, CloseReason reason) {
        Connection connection = of(session);
        if (connection != null) {
            end(connection, "closed " + reason.getCloseCode().getCode() + " " + reason.getReasonPhrase());
        }
    }

    /**
     * The container reported an error on the session: an I/O failure (the peer vanished), a protocol
     * violation, or a bug of ours. In every case the session is finished: forget it and close it with
     * 1011 in case the container left it open.
     */
    public void failed(Session session, Throwable error) {
        Connection connection = of(session);
        if (connection == null) {
            // The session failed before it was registered (open threw): a bug or a broken server, never
            // the peer. Say so in the server's log, and do not leave the socket open and unowned.
            LOG.log(Level.WARNING, "session " + session.getId() + " failed before it was registered; closing it"
                    + " with 1011", error);
            closeQuietly(session, CloseReasons.SERVER_ERROR);
            return;
        }
        if (end(connection, "error " + error.getClass().getSimpleName() + ": " + error.getMessage())) {
            connection.close(CloseReasons.SERVER_ERROR);
        }
    }

    /** Ends a connection on the server's initiative: forget it now, then close its socket. */
    public void drop(Connection connection, CloseReason reason) {
        if (end(connection, "dropped " + reason.getCloseCode().getCode() + " " + reason.getReasonPhrase())) {
            connection.close(reason);
        }
    }

    /** The one place a connection leaves the registry and its rooms; true for the call that did it. */
    boolean end(Connection connection, String why) {
        if (!connections.remove(connection)) {
            return false;
        }
        expiry.ended(connection);
        rooms.end(new RoomCommand.End(connection));
        status.changed();
        // DEBUG: one line per connection is a log write per handshake at full rate; counts are in the metrics.
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "connection {0} ended: {1}", connection, LogText.escape(why)); // a client's close reason
        }
        return true;
    }

    /**
     * A connection whose queue overflowed (PROTOCOL 13.7), on the executor: it leaves its rooms now (its
     * queue already takes nothing), is closed with 1013, which a peer that still reads gets, and its TCP
     * connection is reset if it is still open {@link #SLOW_CONSUMER_RESET_NANOS} after the overflow: a
     * close frame waits behind everything the server holds for a peer that reads nothing, and the server
     * would keep the connection (and those bytes) for as long as the peer does not read.
     */
    private void slowConsumer(Connection connection, SocketAbort socket, long overflowNanos) {
        metrics.slowConsumerClosed();
        if (!end(connection, "slow consumer")) {
            return; // ended meanwhile (the peer closed, a heartbeat timeout...): that end closes it
        }
        LOG.log(Level.WARNING, "slow consumer {0} dropped: outbound queue full ({1,number,#} frames or {2,number,#} bytes)",
                connection, settings.sendQueue(), settings.sendQueueBytes());
        socketAborts.abortAt(socket, overflowNanos + SLOW_CONSUMER_RESET_NANOS, metrics::slowConsumerReset);
        connection.close(CloseReasons.SLOW_CONSUMER);
    }

    private void closeSession(Session session, CloseReason reason) {
        // Closing writes a close frame, which can wait on a peer that does not read: never on the caller's thread.
        try {
            executor.execute(() -> closeQuietly(session, reason));
        } catch (RejectedExecutionException e) {
            closeQuietly(session, reason); // the executor is already stopping: we are shutting down
        }
    }

    private static void closeQuietly(Session session, CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "closing {0} failed: {1}", session.getId(), e.toString());
        }
    }
}
