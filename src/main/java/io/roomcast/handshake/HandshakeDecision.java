package io.roomcast.handshake;

import io.roomcast.connection.Identity;
import io.roomcast.protocol.ErrorCode;

/** What the guard decided about an upgrade request. */
public sealed interface HandshakeDecision {

    /** Not a Roomcast WebSocket path: the container handles it as usual. */
    record NotOurs() implements HandshakeDecision {
    }

    record Accepted(Identity identity) implements HandshakeDecision {
    }

    /**
     * Refused before the upgrade with an HTTP status and the JSON error body of PROTOCOL 2.
     *
     * @param retryAfterSeconds the {@code Retry-After} header's seconds, null for none
     */
    record Refused(int status, ErrorCode code, String message, Long retryAfterSeconds) implements HandshakeDecision {
        public Refused(int status, ErrorCode code, String message) {
            this(status, code, message, null);
        }
    }
}
