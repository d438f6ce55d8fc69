package io.roomcast.platform;

import jakarta.websocket.Session;
import java.lang.reflect.Method;
import java.util.concurrent.Executor;

/**
 * A {@link SocketAbort} on Undertow (WildFly), by reflection only: the session's
 * {@code UndertowSession.getWebSocketChannel()}, told {@code setOption(org.xnio.Options.CLOSE_ABORT, true)}
 * (XNIO's socket then closes with {@code SO_LINGER} 0) and closed with {@code close()}, Undertow's forced
 * close of the channel's connection, on the channel's own I/O thread (where Undertow closes it itself).
 * {@code Session.close} only queues a close frame and waits for the peer's, so for a peer that reads
 * nothing the connection stays open.
 */
final class UndertowAbort implements SocketAbort {

    private final Object channel;
    private final Method isOpen;
    private final Method setOption;
    private final Object closeAbort;
    private final Method close;
    private final Executor ioThread;

    private UndertowAbort(Object channel, Method isOpen, Method setOption, Object closeAbort, Method close,
                          Executor ioThread) {
        this.channel = channel;
        this.isOpen = isOpen;
        this.setOption = setOption;
        this.closeAbort = closeAbort;
        this.close = close;
        this.ioThread = ioThread;
    }

    /** The abort of an Undertow session's channel; throws when anything differs. */
    static SocketAbort of(Session session) throws ReflectiveOperationException {
        if (!UndertowWrites.SESSION.equals(session.getClass().getName())) {
            throw new ClassNotFoundException("the session is a " + session.getClass().getName());
        }
        Object channel = session.getClass().getMethod("getWebSocketChannel").invoke(session);
        if (channel == null) {
            throw new IllegalStateException("the session has no channel");
        }
        Class<?> type = channel.getClass();
        while (type != null && !UndertowWrites.CHANNEL.equals(type.getName())) {
            type = type.getSuperclass(); // the public class: a concrete channel class need not be
        }
        if (type == null) {
            throw new ClassNotFoundException("the channel is a " + channel.getClass().getName() + ", not a "
                    + UndertowWrites.CHANNEL);
        }
        Method setOption = null;
        for (Method method : type.getMethods()) {
            if (method.getName().equals("setOption") && method.getParameterCount() == 2) {
                setOption = method;
            }
        }
        if (setOption == null) {
            throw new NoSuchMethodException(type.getName() + ".setOption(Option, Object)");
        }
        // org.xnio.Options, from the loader of the Option type the channel takes
        Class<?> options = Class.forName("org.xnio.Options", true, setOption.getParameterTypes()[0].getClassLoader());
        Object closeAbort = options.getField("CLOSE_ABORT").get(null);
        if (!(type.getMethod("getIoThread").invoke(channel) instanceof Executor ioThread)) {
            throw new IllegalStateException("the channel's I/O thread is not an Executor");
        }
        return new UndertowAbort(channel, type.getMethod("isOpen"), setOption, closeAbort, type.getMethod("close"),
                ioThread);
    }

    @Override
    public boolean abort() {
        try {
            if (!Boolean.TRUE.equals(isOpen.invoke(channel))) {
                return false;
            }
            ioThread.execute(this::resetNow);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false; // the I/O thread is gone (the server is stopping): it closes everything itself
        }
    }

    private void resetNow() {
        try {
            setOption.invoke(channel, closeAbort, Boolean.TRUE);
        } catch (ReflectiveOperationException | RuntimeException closedMeanwhile) {
            // close anyway
        }
        try {
            close.invoke(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // closed meanwhile
        }
    }
}
