package io.roomcast.connection;

import io.roomcast.logging.LogText;
import jakarta.websocket.CloseReason;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One live WebSocket connection: who it is, what it speaks, which rooms it is in, when it was last
 * heard from, and its outbound queue. Kept in the session's user properties and in the registry.
 */
public final class Connection {

    /** The key under which the connection sits in the session's user properties. */
    public static final String USER_PROPERTY = "roomcast.connection";

    private final String id;
    /** Replaced whole when the client refreshes its token, so readers see the old or the new one, never a mix. */
    private volatile Identity identity;
    private final ConnectionKind kind;
    private final OutboundQueue outbound;
    private final Consumer<CloseReason> closer;
    private final Consumer<CloseReason> immediateCloser;
    private final TokenBucket rate;
    /** Who the connection's shared limits are counted for; a refresh keeps the user and the address. */
    private final QuotaOwner owner;
    private final Set<Integer> joined = ConcurrentHashMap.newKeySet();
    /** Serialises joining rooms with the end of the connection; held only while room sets change. */
    private final Object membershipLock = new Object();
    private boolean ended; // guarded by membershipLock
    private volatile long lastSeenNanos;

    /**
     * {@code outbound} makes the connection's queue; it is given the connection so that the queue's
     * callbacks (overflow, a failed send) can name it. They run only once frames are queued, which is
     * after the connection is built and registered.
     */
    public Connection(String id, Identity identity, ConnectionKind kind, Function<Connection, OutboundQueue> outbound,
                      Consumer<CloseReason> closer, Consumer<CloseReason> immediateCloser, TokenBucket rate,
                      long nowNanos) {
        this.id = id;
        this.identity = identity;
        this.kind = kind;
        this.outbound = outbound.apply(this);
        this.closer = closer;
        this.immediateCloser = immediateCloser;
        this.rate = rate;
        this.owner = QuotaOwner.of(identity);
        this.lastSeenNanos = nowNanos;
    }

    public String id() {
        return id;
    }

    public Identity identity() {
        return identity;
    }

    /**
     * Rights follow a refreshed token (PROTOCOL 10): its rooms and expiry replace the old ones. Only
     * the session's own message thread calls this; other threads read the identity at any time.
     */
    public Identity refreshToken(Set<Integer> rooms, long expiresAt) {
        Identity renewed = identity.withToken(rooms, expiresAt);
        identity = renewed;
        return renewed;
    }

    public String user() {
        return identity.user();
    }

    public ConnectionKind kind() {
        return kind;
    }

    /** Queues a frame; false when the peer is too slow and is being dropped. */
    public boolean send(OutboundFrame frame) {
        return outbound.offer(frame);
    }

    /** Frames waiting in the outbound queue (not the one being written). */
    public int queuedFrames() {
        return outbound.size();
    }

    /** Payload bytes waiting in the outbound queue. */
    public long queuedBytes() {
        return outbound.queuedBytes();
    }

    public void sendText(String text) {
        send(new OutboundFrame.Text(text));
    }

    /** Asks the WebSocket implementation to close; the registry forgets the connection in its close callback. */
    public void close(CloseReason reason) {
        closer.accept(reason);
    }

    /** Closes on the calling thread, for shutdown, when no executor can be relied on. */
    public void closeNow(CloseReason reason) {
        immediateCloser.accept(reason);
    }

    /**
     * Runs a change that adds room memberships, unless the connection has ended; false when it has.
     * The change runs under the connection's membership lock, which {@link #markEnded} takes too: a
     * join racing with the end either completes first, and the end's leaving of every room sees it,
     * or does nothing. Nothing is ever sent under that lock.
     */
    public boolean unlessEnded(Runnable change) {
        synchronized (membershipLock) {
            if (ended) {
                return false;
            }
            change.run();
            return true;
        }
    }

    /** From now on the connection joins no room (see {@link #unlessEnded}). */
    public void markEnded() {
        synchronized (membershipLock) {
            ended = true;
        }
    }

    /** The rooms this connection is in; changed only by the room registry. */
    public Set<Integer> rooms() {
        return joined;
    }

    public TokenBucket rate() {
        return rate;
    }

    /** Whose user rate and room quota the connection counts against (PROTOCOL 13.5, 13.6). */
    public QuotaOwner owner() {
        return owner;
    }

    public void seen(long nowNanos) {
        lastSeenNanos = nowNanos;
    }

    public long lastSeenNanos() {
        return lastSeenNanos;
    }

    @Override
    public String toString() {
        return id + "(" + LogText.escape(identity.user()) + "@" + identity.address() + ", " + kind + ")"; // for logs
    }
}
