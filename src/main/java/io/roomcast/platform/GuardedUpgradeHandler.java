package io.roomcast.platform;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * Puts a {@link FrameHeaderGuard} between the client's socket and a WebSocket implementation that
 * takes the connection through the servlet API's {@code HttpServletRequest.upgrade} (Tyrus, hence
 * Payara): the container creates this handler, the implementation gets its own handler (see
 * {@link #upgrade}), and this one hands the implementation a connection whose input is guarded. Only
 * servlet API types: nothing here names a server's class.
 */
public final class GuardedUpgradeHandler implements HttpUpgradeHandler {

    private HttpUpgradeHandler inner;
    private Supplier<FrameHeaderGuard> guards;
    private Initializer initializer;

    /** For the container, which creates upgrade handlers by their no-argument constructor. */
    public GuardedUpgradeHandler() {
    }

    /**
     * Performs {@code request.upgrade(handlerClass)} with this handler in front of the implementation's.
     *
     * @param upgrade the request's own {@code upgrade}, to be called with this class
     * @param guards makes the connection's guard once the upgrade is done: the handshake response (its
     *               negotiated extensions) is complete by then, not yet when {@code upgrade} is called
     * @param initializer runs the implementation's {@code init} once the upgrade is done, told of the
     *                    container's connection
     * @return the implementation's handler, which it configures as usual
     */
    public static <T extends HttpUpgradeHandler> T upgrade(Class<T> handlerClass, Upgrader upgrade,
                                                           Supplier<FrameHeaderGuard> guards, Initializer initializer)
            throws IOException, jakarta.servlet.ServletException {
        T inner;
        try {
            inner = handlerClass.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            return upgrade.upgrade(handlerClass); // not ours to construct: leave the connection as it is
        }
        GuardedUpgradeHandler outer = upgrade.upgrade(GuardedUpgradeHandler.class);
        outer.inner = inner;
        outer.guards = guards;
        outer.initializer = initializer;
        return inner;
    }

    /**
     * What is done around the WebSocket implementation's {@code init} of the upgraded connection, which
     * it must run exactly once. (Tyrus opens the session, {@code @OnOpen} included, within that call.)
     */
    @FunctionalInterface
    public interface Initializer {
        void init(WebConnection containerConnection, Runnable implementationInit);
    }

    /** The request's {@code upgrade} method. */
    @FunctionalInterface
    public interface Upgrader {
        <T extends HttpUpgradeHandler> T upgrade(Class<T> handlerClass) throws IOException, jakarta.servlet.ServletException;
    }

    @Override
    public void init(WebConnection connection) {
        FrameHeaderGuard guard = guards.get();
        initializer.init(connection, () -> inner.init(new GuardedConnection(connection, guard)));
    }

    @Override
    public void destroy() {
        inner.destroy();
    }

    private record GuardedConnection(WebConnection connection, GuardedInput input) implements WebConnection {
        GuardedConnection(WebConnection connection, FrameHeaderGuard guard) {
            this(connection, new GuardedInput(connection, guard));
        }

        @Override
        public ServletInputStream getInputStream() {
            return input;
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            return connection.getOutputStream();
        }

        @Override
        public void close() throws Exception {
            connection.close();
        }
    }

    /** The client's bytes as the guard lets them pass. */
    private static final class GuardedInput extends ServletInputStream {
        private final WebConnection connection;
        private final FrameHeaderGuard guard;
        private final ByteArrayOutputStream passed = new ByteArrayOutputStream();
        private ServletInputStream source;
        private byte[] ready = new byte[0];
        private int readyAt;

        GuardedInput(WebConnection connection, FrameHeaderGuard guard) {
            this.connection = connection;
            this.guard = guard;
        }

        private ServletInputStream source() throws IOException {
            if (source == null) {
                source = connection.getInputStream();
            }
            return source;
        }

        private int readyBytes() {
            return ready.length - readyAt;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (readyBytes() == 0) {
                byte[] raw = new byte[len];
                int n = source().read(raw, 0, len);
                if (n <= 0) {
                    return n;
                }
                if (guard.refused()) {
                    return 0; // the connection is closing: what the client still sends is dropped
                }
                passed.reset();
                guard.feed(raw, 0, n, passed);
                ready = passed.toByteArray();
                readyAt = 0;
            }
            int n = Math.min(len, readyBytes());
            System.arraycopy(ready, readyAt, b, off, n);
            readyAt += n;
            return n;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n;
            do {
                n = read(one, 0, 1);
            } while (n == 0);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int available() throws IOException {
            return readyBytes() + source().available();
        }

        @Override
        public boolean isReady() {
            try {
                return readyBytes() > 0 || source().isReady();
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public boolean isFinished() {
            try {
                return readyBytes() == 0 && source().isFinished();
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void setReadListener(ReadListener listener) {
            try {
                source().setReadListener(listener);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
