package io.roomcast.platform;

import java.lang.reflect.Field;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * What Roomcast knows about the server it runs on, found at run time by probing class names, so the
 * one WAR deploys unchanged on Payara (Tyrus) and WildFly (Undertow). No class of a particular server
 * is referenced anywhere in Roomcast: a class that names {@code org.glassfish.tyrus.*} or
 * {@code io.undertow.*} fails to load on the other server and can take the whole deployment with it.
 *
 * <p>What needs no adapting, as the integration suite shows on Payara Micro 6 and WildFly 39:
 * handshake refusals (the servlet filter {@code HandshakeFilter} answers before either WebSocket
 * implementation sees the request, with the exact status; a configurator's {@code checkOrigin} would
 * give 403 on Tyrus but 404 on Undertow); the handshake identity (both implementations take the
 * session's user principal from the request the filter passes on: Undertow maps its upgrade filter
 * after the application's filters); the peer address ({@code HttpServletRequest.getRemoteAddr()});
 * inherited {@code @OnMessage}/{@code @OnClose}/{@code @OnError} methods; close codes, pings and
 * asynchronous sends; the EJB timer and the managed executors.
 *
 * <p>What differs is which optional MicroProfile APIs the server brings: Payara has Metrics and
 * Health; WildFly 39 has no MicroProfile Metrics at all, and MicroProfile Health only with its
 * {@code microprofile-health-smallrye} subsystem, which {@code standalone.xml} lacks. The beans that
 * use them ({@code MetricsBinding}, {@code HealthChecks}) are excluded by {@code WEB-INF/beans.xml}
 * ({@code <if-class-not-available>}) where the API is missing; Roomcast's own figures are always at
 * {@code GET /api/metrics}. This class names what was found, for the log.
 *
 * <p>Two behaviours are adapted, and only here: {@link #replaceSessionTimers} (see there why), and the
 * frame-header guard on Undertow ({@link #guardUndertowUpgrade}). The send path goes through each
 * server's own API too ({@link SendPath}, by reflection in {@link TyrusWrites} and {@link UndertowWrites}),
 * and so does resetting a session's TCP connection ({@link SocketAborts}: {@link GrizzlyAbort},
 * {@link UndertowAbort}).
 */
public final class ServerAdapter {

    static final String MP_METRICS = "org.eclipse.microprofile.metrics.MetricRegistry";
    static final String MP_HEALTH = "org.eclipse.microprofile.health.HealthCheck";

    private ServerAdapter() {
    }

    /**
     * One line for the start-up log, e.g. {@code Undertow WebSocket; MicroProfile Metrics absent,
     * MicroProfile Health absent}.
     *
     * @param serverContainer the {@code jakarta.websocket.server.ServerContainer} servlet context attribute
     * @param loader the deployment's class loader
     */
    public static String describe(Object serverContainer, ClassLoader loader) {
        return webSocketImplementation(serverContainer) + " WebSocket; MicroProfile Metrics "
                + (present(MP_METRICS, loader) ? "present (/metrics)" : "absent")
                + ", MicroProfile Health " + (present(MP_HEALTH, loader) ? "present (/health)" : "absent")
                + "; Roomcast figures at /api/metrics";
    }

    /** The WebSocket implementation, told by the class name of the server's container object. */
    static String webSocketImplementation(Object serverContainer) {
        if (serverContainer == null) {
            return "no";
        }
        return ServerKind.describe(serverContainer);
    }

    /**
     * On Tyrus, gives the container a plain scheduler for its per-session timers. Tyrus restarts a
     * session's idle timer on every frame received or sent by scheduling a task on the server's
     * {@code DefaultManagedScheduledExecutorService}; Payara captures the thread context of every such
     * task with a ServiceLoader lookup that reads every jar of the server, which cost more than the rest
     * of a delivery (docs/BENCHMARKS.md, "Decisions behind the code").
     * Tyrus holds that executor in a private field of its container and uses it for nothing else
     * that needs a managed context (the timers' tasks only close idle sessions), so the field is set
     * by reflection. Anything but Tyrus, or a Tyrus without that field, is left untouched.
     *
     * @param serverContainer the {@code jakarta.websocket.server.ServerContainer} servlet context attribute
     * @return whether the scheduler was installed
     */
    public static boolean replaceSessionTimers(Object serverContainer, ScheduledExecutorService timers) {
        if (serverContainer == null || ServerKind.of(serverContainer) != ServerKind.TYRUS) {
            return false;
        }
        for (Class<?> type = serverContainer.getClass(); type != null; type = type.getSuperclass()) {
            if (!TYRUS_BASE_CONTAINER.equals(type.getName())) {
                continue;
            }
            try {
                Field field = type.getDeclaredField(TYRUS_SCHEDULER_FIELD);
                if (!ScheduledExecutorService.class.isAssignableFrom(field.getType())) {
                    return false;
                }
                field.setAccessible(true);
                field.set(serverContainer, timers);
                return true;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return false;
            }
        }
        return false;
    }

    /**
     * On Undertow, after its WebSocket filter accepted the upgrade of this request: puts a
     * {@link FrameHeaderGuard} under the WebSocket connection about to be made (see
     * {@link UndertowFrameGuard}), so a frame header over the size limits closes it with 1009 at once, and one
     * with reserved bits its extensions do not allow with 1002.
     * Undertow, like Tyrus, never judges a header's declared length: it waits for the payload and
     * counts it as it arrives. On Tyrus the same guard is installed through the servlet API's
     * {@code upgrade} ({@link GuardedUpgradeHandler}). Anything but Undertow is left untouched.
     *
     * @param servletRequest the request as the container gave it to the filter (not a wrapper)
     * @return whether the guard will be installed
     */
    public static boolean guardUndertowUpgrade(Object servletRequest, Supplier<FrameHeaderGuard> guards) {
        if (ServerKind.of(servletRequest) != ServerKind.UNDERTOW) {
            return false;
        }
        try {
            return UndertowFrameGuard.guardUpgrade(servletRequest, guards);
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.getLogger(ServerAdapter.class.getName()).log(System.Logger.Level.WARNING,
                    "frame headers not guarded on this Undertow: " + e);
            return false;
        }
    }

    static final String TYRUS_BASE_CONTAINER = "org.glassfish.tyrus.core.BaseContainer";
    static final String TYRUS_SCHEDULER_FIELD = "managedScheduledExecutorService";

    static boolean present(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
