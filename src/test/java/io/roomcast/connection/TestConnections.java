package io.roomcast.connection;

import jakarta.websocket.CloseReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Connections for unit tests of the registries: real objects whose frames land in a list. */
public final class TestConnections {

    private TestConnections() {
    }

    /** A connection whose outbound frames are recorded in {@code sent}, sent at once. */
    public static Connection connection(String id, String user, ConnectionKind kind, List<OutboundFrame> sent) {
        return connection(id, new Identity(user, true, "10.0.0.1", null, null, null), kind, sent);
    }

    public static Connection connection(String id, Identity identity, ConnectionKind kind, List<OutboundFrame> sent) {
        return connection(id, identity, kind, sent, new ArrayList<>());
    }

    /** The same, with the close reasons it was asked to close with recorded in {@code closes}. */
    public static Connection connection(String id, Identity identity, ConnectionKind kind, List<OutboundFrame> sent,
                                        List<CloseReason> closes) {
        return connection(id, identity, kind, sent, closes, new TokenBucket(20, 40, 0));
    }

    /** A JSON connection with a rate bucket of the test's choosing, whose frames go nowhere. */
    public static Connection connection(String id, Identity identity, TokenBucket rate) {
        return connection(id, identity, ConnectionKind.JSON, new ArrayList<>(), new ArrayList<>(), rate);
    }

    private static Connection connection(String id, Identity identity, ConnectionKind kind, List<OutboundFrame> sent,
                                         List<CloseReason> closes, TokenBucket rate) {
        FrameSink sink = (frame, done) -> {
            sent.add(frame);
            done.accept(null);
        };
        OutboundQueue queue = new OutboundQueue(sink, 1024, 4_194_304, Runnable::run, overflowNanos -> { }, e -> { });
        return new Connection(id, identity, kind, self -> queue, closes::add, closes::add, rate, 0);
    }

    public static Connection connection(String id, String user) {
        return connection(id, user, ConnectionKind.JSON, new ArrayList<>());
    }

    public static Identity guest(String name, String address) {
        return new Identity(name, false, address, null, null, null);
    }

    public static Identity secure(String user, int clientId) {
        return new Identity(user, true, "10.0.0.2", clientId, Set.of(), null);
    }
}
