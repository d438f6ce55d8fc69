package io.roomcast.observability;

import io.roomcast.protocol.ErrorCode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;

/**
 * The counters and histograms Roomcast keeps about itself, in plain Java so they work on any server:
 * {@code GET /api/metrics} writes them ({@link MetricsResource}), and the MicroProfile Metrics binding
 * publishes the counters at {@code /metrics} where that API is present ({@link MetricsBinding}). Every
 * figure is in docs/OPERATIONS.md.
 */
@ApplicationScoped
public class RoomcastMetrics {

    private final Tally messagesIn = new Tally();
    private final Tally messagesOut = new Tally();
    private final Tally heartbeatTimeouts = new Tally();
    private final Tally slowConsumerCloses = new Tally();
    private final Tally slowConsumerResets = new Tally();
    private final Tally clusterEventsDropped = new Tally();
    private final Tally clusterMessagesRejected = new Tally();
    private final Tally directSendSessions = new Tally();
    private final Map<ErrorCode, Tally> handshakeFailures = new EnumMap<>(ErrorCode.class);
    private final Map<Distribution, Histogram> histograms = new EnumMap<>(Distribution.class);
    // The histograms recorded on busy paths, as fields: no map lookup there.
    private final Histogram publishAck;
    private final Histogram sendQueueDepth;
    private final Histogram handshake;
    private final Histogram recovery;

    public RoomcastMetrics() {
        for (ErrorCode code : ErrorCode.values()) {
            handshakeFailures.put(code, new Tally());
        }
        for (Distribution distribution : Distribution.values()) {
            histograms.put(distribution, distribution.newHistogram());
        }
        publishAck = histograms.get(Distribution.PUBLISH_ACK);
        sendQueueDepth = histograms.get(Distribution.SEND_QUEUE_DEPTH);
        handshake = histograms.get(Distribution.HANDSHAKE);
        recovery = histograms.get(Distribution.RECOVERY);
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

    /** A publish was acknowledged (ack queued, or 202 answered), {@code nanos} after it was received. */
    public void publishAcked(long nanos) {
        publishAck.record(nanos);
    }

    /** A frame was queued for a connection, which now has {@code frames} waiting (this one included). */
    public void queued(int frames) {
        sendQueueDepth.record(frames);
    }

    /**
     * The send-queue depth histogram itself, for a connection's queue to record into for every frame
     * without going through this bean's CDI proxy each time (the fan-out path; see {@link #queued}).
     */
    public Histogram sendQueueDepth() {
        return sendQueueDepth;
    }

    /** A WebSocket handshake was decided, {@code nanos} after its request arrived. */
    public void handshakeDecided(long nanos) {
        handshake.record(nanos);
    }

    /** A join with {@code since} was recovered by replaying {@code messages} messages. */
    public void recovered(long messages) {
        recovery.record(messages);
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

    Tally handshakeFailuresTally(ErrorCode code) {
        return handshakeFailures.get(code);
    }

    Tally tally(Figure counter) {
        return switch (counter) {
            case MESSAGES_IN -> messagesIn;
            case MESSAGES_OUT -> messagesOut;
            case HEARTBEAT_TIMEOUTS -> heartbeatTimeouts;
            case SLOW_CONSUMER_CLOSES -> slowConsumerCloses;
            case SLOW_CONSUMER_RESETS -> slowConsumerResets;
            case CLUSTER_DROPPED -> clusterEventsDropped;
            case CLUSTER_REJECTED -> clusterMessagesRejected;
            case DIRECT_SEND_SESSIONS -> directSendSessions;
            default -> throw new IllegalArgumentException(counter + " is not a counter");
        };
    }

    Histogram.Snapshot histogram(Distribution distribution) {
        return histograms.get(distribution).snapshot();
    }
}
