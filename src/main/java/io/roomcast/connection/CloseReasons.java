package io.roomcast.connection;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;

/**
 * The close reasons the server sends (PROTOCOL section 5). None is 1000: the server never starts a
 * normal close; it answers a client's close with the client's own code.
 */
public final class CloseReasons {

    public static final CloseReason HEARTBEAT_TIMEOUT = reason(CloseCodes.GOING_AWAY, "heartbeat timeout");
    public static final CloseReason SHUTTING_DOWN = reason(CloseCodes.GOING_AWAY, "server shutting down");
    public static final CloseReason RATE_ABUSE = reason(CloseCodes.VIOLATED_POLICY, "rate limit exceeded for 10 s");
    public static final CloseReason TOKEN_EXPIRED = reason(CloseCodes.VIOLATED_POLICY, "token expired");
    public static final CloseReason TOO_BIG = reason(CloseCodes.TOO_BIG, "frame too big");
    /** A chat connection whose room could not be created after all: the room cap filled since the handshake. */
    public static final CloseReason TOO_MANY_ROOMS = reason(CloseCodes.TRY_AGAIN_LATER, "too many rooms");
    public static final CloseReason SLOW_CONSUMER = reason(CloseCodes.TRY_AGAIN_LATER, "slow consumer");
    /** Messages of a room this connection is in can no longer be delivered in order: rejoin with {@code since} (PROTOCOL 9). */
    public static final CloseReason MISSED_MESSAGES = reason(CloseCodes.TRY_AGAIN_LATER, "missed messages: rejoin with since");
    /** A chat connection whose room's stream cannot be vouched for: no majority of the cluster (PROTOCOL 13.10). */
    public static final CloseReason UNAVAILABLE = reason(CloseCodes.TRY_AGAIN_LATER, "unavailable");
    public static final CloseReason SERVER_ERROR = reason(CloseCodes.UNEXPECTED_CONDITION, "server error");

    private CloseReasons() {
    }

    private static CloseReason reason(CloseCodes code, String phrase) {
        return new CloseReason(code, phrase);
    }
}
