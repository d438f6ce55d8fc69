package io.roomcast.connection;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Sends queued frames through a session's asynchronous remote endpoint.
 *
 * <p>Each send runs with the platform class loader as the thread's context class loader. Tyrus
 * restarts the session's idle timer on every frame, by scheduling a task on the server's managed
 * executor, and Payara captures the thread context for that task by running a ServiceLoader
 * lookup through the context class loader. Through the web application's class loader that lookup
 * scans every jar of the server, for every frame sent: the benchmark measured it at most of the CPU
 * per delivery. Through the platform loader it finds nothing and costs next to nothing; sending a
 * frame needs no application classes from the context loader.
 */
final class SessionFrameSink implements FrameSink {

    private static final ByteBuffer NO_DATA = ByteBuffer.allocate(0);
    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

    private final RemoteEndpoint.Async remote;

    SessionFrameSink(RemoteEndpoint.Async remote) {
        this.remote = remote;
    }

    @Override
    public void send(OutboundFrame frame, Consumer<Throwable> done) {
        SendHandler handler = result -> done.accept(result.isOK() ? null : result.getException());
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        thread.setContextClassLoader(PLATFORM);
        try {
            if (frame instanceof OutboundFrame.Text text) {
                remote.sendText(text.text(), handler);
            } else if (frame instanceof OutboundFrame.Binary binary) {
                remote.sendBinary(binary.view(), handler);
            } else {
                // Control frames are tiny and written without waiting for the peer.
                remote.sendPing(NO_DATA.duplicate());
                done.accept(null);
            }
        } catch (IOException | RuntimeException e) {
            done.accept(e);
        } finally {
            thread.setContextClassLoader(context);
        }
    }
}
