package io.roomcast.connection;

import io.roomcast.platform.FrameWriter;
import io.roomcast.platform.SendPath;
import jakarta.websocket.Session;

/** The sink of a session's outbound queue, chosen once when the session opens. */
public final class FrameSinks {

    private FrameSinks() {
    }

    /**
     * The server's own writer where the deployment's send path offers one for this session, else the
     * standard {@code RemoteEndpoint.Async}.
     */
    public static FrameSink of(Session session, SendPath path) {
        FrameWriter writer = path.writerFor(session);
        return writer == null ? new SessionFrameSink(session.getAsyncRemote()) : new WireFrameSink(writer);
    }
}
