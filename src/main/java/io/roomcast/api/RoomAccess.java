package io.roomcast.api;

import io.roomcast.auth.BearerToken;
import io.roomcast.auth.InvalidTokenException;
import io.roomcast.auth.TokenVerifier;
import io.roomcast.auth.VerifiedToken;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.ErrorTexts;
import io.roomcast.protocol.RoomId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

/**
 * The checks every room resource of the API makes first, in this order: the room id (400), the
 * bearer credentials (401), the token's {@code rooms} claim (403).
 */
@ApplicationScoped
public class RoomAccess {

    /** Either the room and the token ({@code null} for an anonymous caller), or the refusal to answer. */
    public record Outcome(int room, VerifiedToken token, Response refusal) {
    }

    private final TokenVerifier verifier;
    private final ApiResponses responses;

    @Inject
    public RoomAccess(TokenVerifier verifier, ApiResponses responses) {
        this.verifier = verifier;
        this.responses = responses;
    }

    /** For the CDI client proxy only. */
    protected RoomAccess() {
        this(null, null);
    }

    /** @param anonymous whether a caller without credentials may pass */
    public Outcome check(String roomId, String authorization, boolean anonymous) {
        RoomId parsed = RoomId.parse(roomId);
        if (parsed == null) {
            return refused(responses.error(400, ErrorCode.INVALID_PARAMETER, ErrorTexts.idOutOfRange("room")));
        }
        int room = parsed.value();
        String token = BearerToken.from(authorization);
        if (token == null) {
            return anonymous ? new Outcome(room, null, null)
                    : refused(responses.error(401, ErrorCode.MISSING_CREDENTIALS, ErrorTexts.BEARER_REQUIRED));
        }
        VerifiedToken verified;
        try {
            verified = verifier.verify(token);
        } catch (InvalidTokenException e) {
            return refused(responses.error(401, ErrorCode.INVALID_CREDENTIALS, ErrorTexts.INVALID_CREDENTIALS));
        }
        if (!verified.mayEnter(room)) {
            return refused(responses.error(403, ErrorCode.FORBIDDEN_ROOM, ErrorTexts.forbiddenRoom(room)));
        }
        return new Outcome(room, verified, null);
    }

    private static Outcome refused(Response refusal) {
        return new Outcome(0, null, refusal);
    }
}
