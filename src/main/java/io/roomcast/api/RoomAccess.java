package io.roomcast.api;

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

    private final ApiCredentials credentials;
    private final ApiResponses responses;

    @Inject
    public RoomAccess(ApiCredentials credentials, ApiResponses responses) {
        this.credentials = credentials;
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
        ApiCredentials.Outcome caller = credentials.check(authorization, anonymous);
        if (caller.refusal() != null) {
            return refused(caller.refusal());
        }
        VerifiedToken verified = caller.token();
        if (verified == null) {
            return new Outcome(room, null, null);
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
