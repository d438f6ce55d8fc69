package io.roomcast.endpoint;

import io.roomcast.session.ConnectionLifecycle;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;

/**
 * What every Roomcast endpoint does alike: pongs count as signs of life, and every end of a session
 * goes to the lifecycle. Annotated methods are inherited, which both Tyrus and Undertow honour.
 */
public abstract class LifecycleEndpoint {

    @Inject
    ConnectionLifecycle lifecycle;

    @OnMessage
    public void pong(Session session, PongMessage pong) {
        lifecycle.seen(session);
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        lifecycle.closed(session, reason);
    }

    @OnError
    public void error(Session session, Throwable error) {
        lifecycle.failed(session, error);
    }
}
