package io.roomcast.durable;

import io.roomcast.durable.ListeningConnection.Notice;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Wrapper;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Reads the notifications a PostgreSQL connection received (pgjdbc's {@code getNotifications(int)}),
 * whatever pool wraps the connection and whichever class loader loaded the driver.
 *
 * <p>With {@code roomcast.store.url} the connection is the WAR's own driver's and {@code unwrap} to the
 * WAR's {@link PGConnection} works. With {@code roomcast.store.datasource} the driver is the server's (a
 * WildFly module, a Payara library), loaded by another class loader, and the server's wrapper stands in
 * front of its connection. On Payara the WAR's class loader asks the server's libraries first, so the
 * WAR's {@code PGConnection} is the server's and {@code unwrap} still works. On WildFly it is not: the
 * module's connection does not implement the WAR's {@code PGConnection}, and {@code unwrap} fails. Then
 * this reaches the driver's own connection object and calls its {@code PGConnection} methods by
 * reflection, through the driver's own interface (found by name on the object, whatever its loader):
 *
 * <ol>
 * <li>{@code unwrap} with {@code org.postgresql.PGConnection} as the wrapper's own class loader sees it,
 * when it sees one (GlassFish and Payara: the server's libraries are visible to its JDBC adapter);</li>
 * <li>the accessors pools give to the connection they wrap: {@code getUnderlyingConnection()}
 * (IronJacamar's {@code WrappedConnection}: WildFly, JBoss EAP) and {@code getConnection()} (the JDBC
 * adapter's {@code com.sun.gjc.spi.base.ConnectionHolder}: GlassFish, Payara Server and Micro), a few
 * levels deep.</li>
 * </ol>
 *
 * <p>This stays here, not behind {@code platform/}: it names no server type and asks nothing of the
 * server, only of the JDBC objects in hand (method names, as {@link Wrapper} would if pools implemented
 * it across class loaders), and the same wrapper serves several servers (IronJacamar in WildFly and
 * JBoss EAP, the gjc adapter in GlassFish, Payara Server and Micro), so {@code ServerKind} would decide
 * nothing.
 */
final class DriverNotifications {

    static final String PG_CONNECTION = "org.postgresql.PGConnection";
    /** What pools call the connection they wrap: IronJacamar's, then GlassFish/Payara's. */
    static final List<String> ACCESSORS = List.of("getUnderlyingConnection", "getConnection");
    /** Wrappers around wrappers (a pool's, a tracer's, a proxy's) are seldom more than two deep. */
    private static final int MAX_DEPTH = 5;

    /** How notifications are read: {@code way} says how, for the log. */
    record Reader(String way, Source source) {
        /** Waits up to {@code millis} for notifications and returns those that came (none: empty). */
        List<Notice> read(int millis) throws SQLException {
            return source.read(millis);
        }
    }

    @FunctionalInterface
    interface Source {
        List<Notice> read(int millis) throws SQLException;
    }

    private DriverNotifications() {
    }

    /**
     * How to read {@code connection}'s notifications.
     *
     * @throws SQLException when the driver's connection cannot be reached, naming what wraps it
     */
    static Reader of(Connection connection) throws SQLException {
        if (wraps(connection, PGConnection.class)) {
            PGConnection driver = connection.unwrap(PGConnection.class); // the WAR's driver: roomcast.store.url
            return new Reader("through the WAR's PGConnection", millis -> notices(driver.getNotifications(millis)));
        }
        Object current = connection;
        List<String> seen = new ArrayList<>();
        for (int depth = 0; depth < MAX_DEPTH && current != null; depth++) {
            seen.add(current.getClass().getName());
            Class<?> own = interfaceNamed(current.getClass(), PG_CONNECTION);
            if (own != null) {
                return reflective(current, own, String.join(" wrapping ", seen));
            }
            Object unwrapped = unwrapWithItsOwnLoader(current);
            if (unwrapped != null) {
                seen.add("unwrapped " + unwrapped.getClass().getName());
                return reflective(unwrapped, interfaceNamed(unwrapped.getClass(), PG_CONNECTION), String.join(" to ", seen));
            }
            Object next = underlying(current);
            if (next == current) {
                break;
            }
            current = next;
        }
        throw new SQLException("the connection (" + String.join(" wrapping ", seen) + ") gives no access to the "
                + "PostgreSQL driver's own connection (" + PG_CONNECTION + "), so its notifications cannot be read: "
                + "use roomcast.store.url instead of roomcast.store.datasource");
    }

    private static boolean wraps(Connection connection, Class<?> type) {
        try {
            return connection.isWrapperFor(type);
        } catch (SQLException e) {
            return false; // a wrapper that cannot tell: the other ways are tried
        }
    }

    /**
     * {@code unwrap} with the driver's interface as {@code wrapper}'s class loader sees it: a wrapper whose
     * loader sees the driver unwraps to it (a proxy, perhaps); null when it sees none or will not unwrap.
     */
    private static Object unwrapWithItsOwnLoader(Object wrapper) {
        ClassLoader loader = wrapper.getClass().getClassLoader();
        if (!(wrapper instanceof Wrapper jdbc) || loader == null || loader == PGConnection.class.getClassLoader()) {
            return null; // nothing to unwrap, or the WAR's own interface: tried first
        }
        try {
            Class<?> type = Class.forName(PG_CONNECTION, false, loader);
            if (!jdbc.isWrapperFor(type)) {
                return null;
            }
            Object unwrapped = jdbc.unwrap(type);
            return type.isInstance(unwrapped) ? unwrapped : null;
        } catch (ClassNotFoundException | LinkageError | SQLException | RuntimeException e) {
            return null; // that loader does not see the driver, or the wrapper refuses: try the accessors
        }
    }

    /** The connection {@code wrapper} wraps, by a pool's accessor; null when it has none. */
    private static Object underlying(Object wrapper) {
        for (String name : ACCESSORS) {
            Method accessor = publicMethod(wrapper.getClass(), name);
            if (accessor == null || !Connection.class.isAssignableFrom(accessor.getReturnType())) {
                continue;
            }
            try {
                Object next = accessor.invoke(wrapper);
                if (next != null) {
                    return next;
                }
            } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
                // not the accessor it looked like: the next name
            }
        }
        return null;
    }

    /** Reads through the driver's own interface {@code pg} (any loader's), on the driver's object. */
    private static Reader reflective(Object driver, Class<?> pg, String path) throws SQLException {
        Method getNotifications;
        Method name;
        Method parameter;
        try {
            getNotifications = pg.getMethod("getNotifications", int.class);
            Class<?> notification = getNotifications.getReturnType().getComponentType();
            name = notification.getMethod("getName");
            parameter = notification.getMethod("getParameter");
        } catch (NoSuchMethodException | RuntimeException e) {
            throw new SQLException("the server's PostgreSQL driver (" + driver.getClass().getName() + ") has no "
                    + "getNotifications(int): pgjdbc 42.2 or later is needed for roomcast.store.datasource", e);
        }
        return new Reader("by reflection on the server's driver (" + path + ")", millis -> {
            Object batch = invoke(getNotifications, driver, millis);
            if (batch == null) {
                return List.of();
            }
            int count = Array.getLength(batch);
            List<Notice> notices = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                Object notification = Array.get(batch, i);
                notices.add(new Notice((String) invoke(name, notification), (String) invoke(parameter, notification)));
            }
            return notices;
        });
    }

    /** Calls {@code method}, and throws what it threw (an SQLException as it is). */
    private static Object invoke(Method method, Object target, Object... arguments) throws SQLException {
        try {
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new SQLException(method.getName() + " failed", cause);
        } catch (IllegalAccessException e) {
            throw new SQLException(method.getName() + " of " + target.getClass().getName() + " is not accessible", e);
        }
    }

    private static List<Notice> notices(PGNotification[] batch) {
        if (batch == null) {
            return List.of();
        }
        List<Notice> notices = new ArrayList<>(batch.length);
        for (PGNotification notification : batch) {
            notices.add(new Notice(notification.getName(), notification.getParameter()));
        }
        return notices;
    }

    /** The interface of that name among everything {@code type} implements, whatever loaded it; null if none. */
    static Class<?> interfaceNamed(Class<?> type, String name) {
        for (Class<?> candidate : supertypes(type)) {
            if (candidate.isInterface() && candidate.getName().equals(name)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * A public no-argument method of that name, declared by a public class or interface (so that it may
     * be called from here, whatever class the object itself is); null if none.
     */
    private static Method publicMethod(Class<?> type, String name) {
        for (Class<?> candidate : supertypes(type)) {
            if (!Modifier.isPublic(candidate.getModifiers())) {
                continue;
            }
            try {
                Method method = candidate.getDeclaredMethod(name);
                if (Modifier.isPublic(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())) {
                    return method;
                }
            } catch (NoSuchMethodException | SecurityException e) {
                // declared further up, or not at all
            }
        }
        return null;
    }

    /** {@code type}, its superclasses and every interface they implement, nearest first. */
    private static List<Class<?>> supertypes(Class<?> type) {
        List<Class<?>> all = new ArrayList<>();
        Set<Class<?>> seen = new HashSet<>();
        Deque<Class<?>> queue = new ArrayDeque<>();
        queue.add(type);
        while (!queue.isEmpty()) {
            Class<?> next = queue.poll();
            if (!seen.add(next)) {
                continue;
            }
            all.add(next);
            if (next.getSuperclass() != null) {
                queue.add(next.getSuperclass());
            }
            queue.addAll(List.of(next.getInterfaces()));
        }
        return all;
    }
}
