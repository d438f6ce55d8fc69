package io.roomcast.connection;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Sends queued frames through a session's asynchronous remote endpoint: the standard path, where the
 * server's own (platform.SendPath) does not apply, and for pings on every path. (On Payara, each frame
 * sent this way also restarts the session's idle timer inside Tyrus: see platform.SessionTimers for why
 * that timer runs on a plain scheduler.)
 */
public final class SessionFrameSink implements FrameSink {

    private static final ByteBuffer NO_DATA = ByteBuffer.allocate(0);

    private final RemoteEndpoint.Async remote;

    public SessionFrameSink(RemoteEndpoint.Async remote) {
        this.remote = remote;
    }

    @Override
    public void send(OutboundFrame frame, Consumer<Throwable> done) {
        SendHandler handler = result -> done.accept(result.isOK() ? null : result.getException());
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
        }
    }
}
