package io.roomcast.platform;

import jakarta.servlet.http.WebConnection;
import java.lang.reflect.Method;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

/**
 * A {@link SocketAbort} on Grizzly (Payara), by reflection only. The upgraded connection that Catalina
 * hands the WebSocket implementation ({@code WebConnectionImpl}) leads to Grizzly's connection:
 * {@code WebConnectionImpl.request} (Catalina) → {@code getCoyoteRequest()} (Grizzly) →
 * {@code getContext()} → {@code getConnection()}, the same walk as {@link GrizzlyIdleWalk}. It is taken
 * while the upgrade is being set up, when the request is certainly this connection's (Catalina recycles
 * request objects once a connection is done).
 *
 * <p>Aborting sets {@code SO_LINGER} 0 on its socket channel and calls {@code terminateSilently()}, which
 * closes the channel on the connection's selector thread at once. Grizzly's {@code closeSilently()}, what
 * a closing Tyrus session ends in, is graceful: it queues the close behind the pending writes, so for a
 * peer that reads nothing it never happens.
 */
final class GrizzlyAbort implements SocketAbort {

    static final String WEB_CONNECTION = GrizzlyIdleWalk.WEB_CONNECTION;

    private final Object connection;
    private final Method isOpen;
    private final Method getChannel;
    private final Method terminateSilently;

    private GrizzlyAbort(Object connection, Method isOpen, Method getChannel, Method terminateSilently) {
        this.connection = connection;
        this.isOpen = isOpen;
        this.getChannel = getChannel;
        this.terminateSilently = terminateSilently;
    }

    /** The abort of the Grizzly connection under a Catalina upgraded connection; throws when anything differs. */
    static SocketAbort of(WebConnection webConnection) throws ReflectiveOperationException {
        if (!WEB_CONNECTION.equals(webConnection.getClass().getName())) {
            throw new ClassNotFoundException("the upgraded connection is a " + webConnection.getClass().getName()
                    + ", not " + WEB_CONNECTION);
        }
        Object catalinaRequest = GrizzlyIdleWalk.field(webConnection.getClass(), "request").get(webConnection);
        Object grizzlyRequest = catalinaRequest.getClass().getMethod("getCoyoteRequest").invoke(catalinaRequest);
        Object context = grizzlyRequest.getClass().getMethod("getContext").invoke(grizzlyRequest);
        Object connection = context.getClass().getMethod("getConnection").invoke(context);
        if (connection == null) {
            throw new IllegalStateException("the upgraded request has no Grizzly connection");
        }
        Class<?> type = connection.getClass();
        return new GrizzlyAbort(connection, type.getMethod("isOpen"), type.getMethod("getChannel"),
                type.getMethod("terminateSilently"));
    }

    @Override
    public boolean abort() {
        try {
            if (!Boolean.TRUE.equals(isOpen.invoke(connection))) {
                return false;
            }
            try {
                if (getChannel.invoke(connection) instanceof SocketChannel channel) {
                    channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                }
            } catch (java.io.IOException | RuntimeException closedMeanwhile) {
                // terminate anyway
            }
            terminateSilently.invoke(connection);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false; // Grizzly refused: the connection ends as Grizzly decides
        }
    }
}
