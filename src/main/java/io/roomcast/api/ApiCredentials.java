package io.roomcast.api;

import io.roomcast.auth.BearerToken;
import io.roomcast.auth.InvalidTokenException;
import io.roomcast.auth.TokenVerifier;
import io.roomcast.auth.VerifiedToken;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.ErrorTexts;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

/**
 * The bearer credentials of an API request, checked the same way by every resource that needs them
 * (rooms, status, admin): none (401 missing_credentials unless anonymous callers may pass), or a token
 * that must verify (401 invalid_credentials). What a verified token may do is the resource's to decide.
 */
@ApplicationScoped
public class ApiCredentials {

    /** Either the verified token ({@code null} for an anonymous caller), or the refusal to answer. */
    public record Outcome(VerifiedToken token, Response refusal) {
    }

    private final TokenVerifier verifier;
    private final ApiResponses responses;

    @Inject
    public ApiCredentials(TokenVerifier verifier, ApiResponses responses) {
        this.verifier = verifier;
        this.responses = responses;
    }

    /** For the CDI client proxy only. */
    protected ApiCredentials() {
        this(null, null);
    }

    /** @param anonymous whether a caller without credentials may pass */
    public Outcome check(String authorization, boolean anonymous) {
        String token = BearerToken.from(authorization);
        if (token == null) {
            return anonymous ? new Outcome(null, null)
                    : refused(responses.error(401, ErrorCode.MISSING_CREDENTIALS, ErrorTexts.BEARER_REQUIRED));
        }
        try {
            return new Outcome(verifier.verify(token), null);
        } catch (InvalidTokenException e) {
            return refused(responses.error(401, ErrorCode.INVALID_CREDENTIALS, ErrorTexts.INVALID_CREDENTIALS));
        }
    }

    private static Outcome refused(Response refusal) {
        return new Outcome(null, refusal);
    }
}
