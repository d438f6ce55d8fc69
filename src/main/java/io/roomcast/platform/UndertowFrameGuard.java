package io.roomcast.platform;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * Puts a {@link FrameHeaderGuard} under Undertow's WebSocket channel, by reflection only (this class
 * loads on any server and names no Undertow or XNIO type). Undertow upgrades a WebSocket request
 * without the servlet API's {@code upgrade}: the handshake registers an upgrade listener on the
 * exchange's connection, which Undertow calls once the 101 has been written, with the raw
 * connection. This class wraps that listener: before Undertow builds its WebSocket channel on the
 * connection, the connection's source conduit (the reader of the client's bytes, including any bytes
 * that came with the handshake) is replaced by a proxy that feeds the guard.
 */
final class UndertowFrameGuard {

    private UndertowFrameGuard() {
    }

    /**
     * After the WebSocket implementation accepted the upgrade of the request: wraps the connection's
     * upgrade listener. False when the request is not Undertow's or has no upgrade listener.
     */
    static boolean guardUpgrade(Object servletRequest, Supplier<FrameHeaderGuard> guards) throws ReflectiveOperationException {
        Method getExchange = method(servletRequest.getClass(), "getExchange", 0);
        if (getExchange == null) {
            return false;
        }
        Object exchange = getExchange.invoke(servletRequest);
        Object connection = method(exchange.getClass(), "getConnection", 0).invoke(exchange);
        Method get = method(connection.getClass(), "getUpgradeListener", 0);
        Method set = method(connection.getClass(), "setUpgradeListener", 1);
        if (get == null || set == null) {
            return false;
        }
        Object listener = get.invoke(connection);
        if (listener == null) {
            return false;
        }
        Class<?> listenerType = set.getParameterTypes()[0];
        InvocationHandler wrapped = (proxy, m, args) -> {
            if (m.getName().equals("handleUpgrade") && args != null && args.length == 2) {
                guardSource(args[0], guards.get());
            }
            return call(m, listener, args);
        };
        set.invoke(connection, Proxy.newProxyInstance(listenerType.getClassLoader(), new Class<?>[] {listenerType}, wrapped));
        return true;
    }

    /** Replaces the stream connection's source conduit by a guarding proxy of it. */
    private static void guardSource(Object streamConnection, FrameHeaderGuard guard) throws ReflectiveOperationException {
        Object source = method(streamConnection.getClass(), "getSourceChannel", 0).invoke(streamConnection);
        Object conduit = method(source.getClass(), "getConduit", 0).invoke(source);
        Method setConduit = method(source.getClass(), "setConduit", 1);
        Class<?> conduitType = setConduit.getParameterTypes()[0];
        setConduit.invoke(source, Proxy.newProxyInstance(conduitType.getClassLoader(), new Class<?>[] {conduitType},
                new GuardedConduit(conduit, guard)));
    }

    /** The conduit proxy: {@code read(ByteBuffer)} (and the scattering read) pass through the guard. */
    private static final class GuardedConduit implements InvocationHandler {
        /** Room kept for header bytes the guard releases late, so its output fits the caller's buffer. */
        private static final int HEADER_ROOM = 14;
        /** At most this much is read from the socket per call through the guard. */
        private static final int MAX_READ = 4096;

        private final Object conduit;
        private final FrameHeaderGuard guard;
        private final ByteArrayOutputStream passed = new ByteArrayOutputStream();
        private ByteBuffer ready = ByteBuffer.allocate(0);

        GuardedConduit(Object conduit, FrameHeaderGuard guard) {
            this.conduit = conduit;
            this.guard = guard;
        }

        @Override
        public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
            if (m.getName().equals("read") && args != null) {
                if (args.length == 1 && args[0] instanceof ByteBuffer dst) {
                    return read(m, dst);
                }
                if (args.length == 3 && args[0] instanceof ByteBuffer[] dsts) {
                    int offset = (Integer) args[1];
                    int length = (Integer) args[2];
                    for (int i = offset; i < offset + length; i++) {
                        if (dsts[i].hasRemaining()) {
                            Method single = m.getDeclaringClass().getMethod("read", ByteBuffer.class);
                            return (long) read(single, dsts[i]);
                        }
                    }
                    return 0L;
                }
            }
            return call(m, conduit, args);
        }

        private int read(Method read, ByteBuffer dst) throws Throwable {
            if (ready.hasRemaining()) {
                return drainReady(dst);
            }
            int room = dst.remaining();
            if (room == 0) {
                return 0;
            }
            // Undertow offers its whole read buffer (16 KB); zeroing that much for every frame read
            // showed in the profile. Frames larger than this arrive in a few reads instead.
            int size = room > 2 * HEADER_ROOM ? room - HEADER_ROOM : room;
            ByteBuffer raw = ByteBuffer.allocate(Math.min(size, MAX_READ));
            int n = (Integer) call(read, conduit, new Object[] {raw});
            if (n <= 0 || guard.refused()) {
                return n < 0 ? n : 0; // after a refusal the client's bytes are dropped
            }
            passed.reset();
            guard.feed(raw.array(), 0, n, passed);
            ready = ByteBuffer.wrap(passed.toByteArray());
            return drainReady(dst);
        }

        private int drainReady(ByteBuffer dst) {
            int n = Math.min(ready.remaining(), dst.remaining());
            ByteBuffer slice = ready.slice();
            slice.limit(n);
            dst.put(slice);
            ready.position(ready.position() + n);
            return n;
        }
    }

    /** Methods reach here accessible already (interface methods, or from {@link #method}). */
    private static Object call(Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** A method by name and arity, public or not, declared by the type or a supertype; null if none. */
    private static Method method(Class<?> type, String name, int parameters) {
        for (Class<?> t = type; t != null; t = t.getSuperclass()) {
            for (Method m : t.getDeclaredMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() == parameters && !m.isSynthetic()) {
                    try {
                        m.setAccessible(true);
                        return m;
                    } catch (RuntimeException e) {
                        // an inaccessible declaration: a public one further up may do
                    }
                }
            }
        }
        return null;
    }
}
