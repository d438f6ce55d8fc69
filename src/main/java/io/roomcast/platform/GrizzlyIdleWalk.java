package io.roomcast.platform;

import jakarta.servlet.http.WebConnection;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * On Payara (Grizzly), takes an upgraded WebSocket connection out of Grizzly's keep-alive idle walk.
 *
 * <p>Grizzly's {@code IdleTimeoutFilter} keeps every accepted connection in a map that one thread
 * walks every second, for the connection's whole life; an upgraded connection stays there too,
 * although its request never completes, so its deadline is "never" and the walk can never close it:
 * with many WebSockets the walk is a cost for nothing (docs/BENCHMARKS.md, "Decisions behind the code").
 * Removing the connection's entry from that map, right after the upgrade, is all this does: only an
 * accept adds an entry, so nothing puts it back, and the filter's close handling later marks a record
 * no map holds. (Removing it through the filter's own {@code remove} would mark it closed, and the walk
 * would then close the live WebSocket.) Ordinary HTTP connections keep their keep-alive timeouts.
 *
 * <p>By reflection only: {@code WebConnectionImpl.request} (Catalina) → {@code getCoyoteRequest()}
 * (Grizzly) → {@code getContext()} → its connection and filter chain → the chain's
 * {@code IdleTimeoutFilter.queue} ({@code DelayedExecutor.DelayQueue}) → its {@code queue} map.
 * Anything else, or anything that differs, leaves the connection as it is (logged once).
 */
public final class GrizzlyIdleWalk {

    private static final Logger LOG = System.getLogger(GrizzlyIdleWalk.class.getName());

    static final String WEB_CONNECTION = "org.apache.catalina.connector.WebConnectionImpl";
    static final String IDLE_TIMEOUT_FILTER = "org.glassfish.grizzly.utils.IdleTimeoutFilter";

    private final AtomicBoolean outcomeLogged = new AtomicBoolean();

    /** Whether the connection left the walk; false where it is not Grizzly's or anything differs. */
    public boolean leave(WebConnection connection) {
        if (!WEB_CONNECTION.equals(connection.getClass().getName())) {
            return false;
        }
        try {
            Object catalinaRequest = field(connection.getClass(), "request").get(connection);
            Object grizzlyRequest = catalinaRequest.getClass().getMethod("getCoyoteRequest").invoke(catalinaRequest);
            Object context = grizzlyRequest.getClass().getMethod("getContext").invoke(grizzlyRequest);
            Object grizzlyConnection = context.getClass().getMethod("getConnection").invoke(context);
            Object chain = context.getClass().getMethod("getFilterChain").invoke(context);
            for (Object filter : (List<?>) chain) {
                if (IDLE_TIMEOUT_FILTER.equals(filter.getClass().getName())) {
                    Object delayQueue = field(filter.getClass(), "queue").get(filter);
                    Map<?, ?> walked = (Map<?, ?>) field(delayQueue.getClass(), "queue").get(delayQueue);
                    boolean left = walked.remove(grizzlyConnection) != null;
                    logOnce(Level.INFO, "upgraded WebSocket connections leave Grizzly's keep-alive idle walk");
                    return left;
                }
            }
            logOnce(Level.INFO, "no Grizzly IdleTimeoutFilter in this listener's chain: nothing walks its WebSockets");
            return false;
        } catch (ReflectiveOperationException | RuntimeException e) {
            logOnce(Level.WARNING, "upgraded WebSocket connections stay in Grizzly's keep-alive idle walk (this Grizzly"
                    + " differs from what Roomcast expects): " + e);
            return false;
        }
    }

    private void logOnce(Level level, String message) {
        if (outcomeLogged.compareAndSet(false, true)) {
            LOG.log(level, message);
        }
    }

    /** A declared field of the class or a superclass, made accessible. */
    static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field field = c.getDeclaredField(name);
                field.setAccessible(true);
                return field;
            } catch (NoSuchFieldException e) {
                // look further up
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }
}
