package io.roomcast.observability;

import io.roomcast.protocol.ErrorCode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters Roomcast keeps about itself, in plain Java so they work on any server; the
 * MicroProfile Metrics binding publishes them at {@code /metrics} where that API is present.
 */
@ApplicationScoped
public class RoomcastMetrics {

    private final LongAdder messagesIn = new LongAdder();
    private final LongAdder messagesOut = new LongAdder();
    private final LongAdder heartbeatTimeouts = new LongAdder();
    private final LongAdder slowConsumerCloses = new LongAdder();
    private final LongAdder slowConsumerResets = new LongAdder();
    private final LongAdder clusterEventsDropped = new LongAdder();
    private final LongAdder clusterMessagesRejected = new LongAdder();
    private final LongAdder directSendSessions = new LongAdder();
    private final Map<ErrorCode, LongAdder> handshakeFailures = new EnumMap<>(ErrorCode.class);

    public RoomcastMetrics() {
        for (ErrorCode code : ErrorCode.values()) {
            handshakeFailures.put(code, new LongAdder());
        }
    }

    public void messageIn() {
        messagesIn.increment();
    }

    public void messagesOut(int count) {
        messagesOut.add(count);
    }

    public void heartbeatTimeout() {
        heartbeatTimeouts.increment();
    }

    public void slowConsumerClosed() {
        slowConsumerCloses.increment();
    }

    /** A slow consumer's TCP connection was still open after its grace and was reset (PROTOCOL 13.7). */
    public void slowConsumerReset() {
        slowConsumerResets.increment();
    }

    /** An event for the other instances was dropped: the cluster bus backlog was full. */
    public void clusterEventDropped() {
        clusterEventsDropped.increment();
    }

    /**
     * Bytes from the cluster's grid were dropped: a bus event or a kept message whose seal did not open
     * (another secret, or forged) or that was malformed (PROTOCOL 13.10).
     */
    public void clusterMessageRejected() {
        clusterMessagesRejected.increment();
    }

    /** A session opened on the server's own send path (platform.SendPath), not the standard remote. */
    public void directSendSessionOpened() {
        directSendSessions.increment();
    }

    public void handshakeFailed(ErrorCode code) {
        handshakeFailures.get(code).increment();
    }

    public long directSendSessions() {
        return directSendSessions.sum();
    }

    public long messagesIn() {
        return messagesIn.sum();
    }

    public long messagesOut() {
        return messagesOut.sum();
    }

    public long heartbeatTimeouts() {
        return heartbeatTimeouts.sum();
    }

    public long slowConsumerCloses() {
        return slowConsumerCloses.sum();
    }

    public long slowConsumerResets() {
        return slowConsumerResets.sum();
    }

    public long clusterMessagesRejected() {
        return clusterMessagesRejected.sum();
    }

    public long clusterEventsDropped() {
        return clusterEventsDropped.sum();
    }

    public long handshakeFailures(ErrorCode code) {
        return handshakeFailures.get(code).sum();
    }
}
