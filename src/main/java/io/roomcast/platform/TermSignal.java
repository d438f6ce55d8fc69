package io.roomcast.platform;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Optional;

/**
 * SIGTERM, taken over for a while: the JVM's own handling of it (run the shutdown hooks, which stop
 * the server at once) is put off until {@link #proceed} hands the signal back and raises it again.
 * That is what lets an instance drain first, with its listeners still open (PROTOCOL 13.11).
 *
 * <p>Through {@code sun.misc.Signal} (module {@code jdk.unsupported}), by reflection and from the
 * system class loader: the JDK has no other way to handle a signal, and WildFly's module system does
 * not show that package to a deployment. A JVM started with {@code -Xrs}, or one where the package is
 * missing, simply keeps SIGTERM as it was ({@link #intercept} is empty).
 */
public final class TermSignal {

    private static final String SIGNAL = "sun.misc.Signal";
    private static final String HANDLER = "sun.misc.SignalHandler";

    private final Object signal;
    private final Object ours;
    private final Object previous;
    private final Method handle;
    private final Method raise;

    private TermSignal(Object signal, Object ours, Object previous, Method handle, Method raise) {
        this.signal = signal;
        this.ours = ours;
        this.previous = previous;
        this.handle = handle;
        this.raise = raise;
    }

    /**
     * Runs {@code onTerm} on the JVM's signal thread at every SIGTERM from now on, instead of the
     * JVM's shutdown; empty, changing nothing, when signals cannot be handled here.
     *
     * @param why filled with the reason when the result is empty
     */
    public static Optional<TermSignal> intercept(Runnable onTerm, StringBuilder why) {
        try {
            // From the JDK's own loader: a server's module system may hide sun.misc from the application (WildFly).
            ClassLoader jdk = ClassLoader.getSystemClassLoader();
            Class<?> signalClass = Class.forName(SIGNAL, true, jdk);
            Class<?> handlerClass = Class.forName(HANDLER, true, jdk);
            Object signal = signalClass.getConstructor(String.class).newInstance("TERM");
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            Method raise = signalClass.getMethod("raise", signalClass);
            // The JVM's signal thread has no context class loader; CDI proxies on some servers need the application's.
            Object ours = Proxy.newProxyInstance(jdk, new Class<?>[] {handlerClass},
                    new OnSignal(onTerm, Thread.currentThread().getContextClassLoader()));
            Object previous = handle.invoke(null, signal, ours);
            if (previous == handlerClass.getField("SIG_DFL").get(null) || previous == handlerClass.getField("SIG_IGN").get(null)) {
                // The JVM does not run its shutdown on SIGTERM here (the OS's default, or ignored): leave it so.
                handle.invoke(null, signal, previous);
                why.append("SIGTERM is not the JVM's to handle here");
                return Optional.empty();
            }
            return Optional.of(new TermSignal(signal, ours, previous, handle, raise));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // -Xrs ("Signal already used by VM or OS") or no sun.misc here: the JVM's shutdown stays as it was
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            why.append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
            return Optional.empty();
        }
    }

    /** Gives SIGTERM back to whoever had it and raises it again: the JVM now shuts down as it would have. */
    public void proceed() {
        restore();
        try {
            raise.invoke(null, signal);
        } catch (ReflectiveOperationException e) {
            // The signal was taken, so the JVM must still stop: exit as its own SIGTERM handler does (128 + 15).
            Runtime.getRuntime().exit(143);
        }
    }

    /** Gives SIGTERM back to whoever had it before, unless someone else has taken it since. */
    public void restore() {
        try {
            Object current = handle.invoke(null, signal, previous);
            if (current != ours) {
                handle.invoke(null, signal, current); // not ours any more: leave theirs in place
            }
        } catch (ReflectiveOperationException e) {
            // nothing more can be done; the JVM keeps our handler, which then only proceeds
        }
    }

    /** The {@code SignalHandler} proxy: {@code handle(Signal)} runs the action; Object's methods behave. */
    private record OnSignal(Runnable action, ClassLoader contextLoader) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            return switch (method.getName()) {
                case "handle" -> {
                    Thread thread = Thread.currentThread();
                    ClassLoader before = thread.getContextClassLoader();
                    thread.setContextClassLoader(contextLoader);
                    try {
                        action.run();
                    } finally {
                        thread.setContextClassLoader(before);
                    }
                    yield null;
                }
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> "roomcast SIGTERM drain";
                default -> null;
            };
        }
    }
}
