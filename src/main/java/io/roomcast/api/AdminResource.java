package io.roomcast.api;

import io.roomcast.auth.BearerToken;
import io.roomcast.auth.InvalidTokenException;
import io.roomcast.auth.TokenVerifier;
import io.roomcast.auth.VerifiedToken;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.ErrorTexts;
import io.roomcast.status.AdminFigures;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /api/admin/overview}: the admin page's figures (PROTOCOL 3.5), for a bearer token with the
 * admin claim only, whatever {@code roomcast.auth.anonymous} says: no token is 401
 * {@code missing_credentials}, an invalid one 401 {@code invalid_credentials}, a valid one without the
 * claim 403 {@code forbidden}. The answer is never cached ({@code Cache-Control: no-store}).
 */
@Path("/admin/overview")
@RequestScoped
public class AdminResource {

    static final String NOT_ADMIN = "this token has no \"" + VerifiedToken.ADMIN_CLAIM
            + "\": true claim; the admin figures need one";

    @Inject
    AdminFigures figures;
    @Inject
    ApiResponses responses;
    @Inject
    TokenVerifier verifier;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = "figures")
    @Operation(summary = "The admin page's figures: rooms with members, counters, refusals by code, instances")
    @SecurityRequirement(name = RoomcastApi.BEARER)
    @APIResponse(responseCode = "200", description = "the figures (PROTOCOL 3.5; asyncapi.yaml schema AdminOverview)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "401", description = "no bearer token, or an invalid one",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiSchemas.ERROR)))
    @APIResponse(responseCode = "403", description = "a valid token without the roomcast_admin claim",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiSchemas.ERROR)))
    public Response overview(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        String token = BearerToken.from(authorization);
        if (token == null) {
            return responses.error(401, ErrorCode.MISSING_CREDENTIALS, ErrorTexts.BEARER_REQUIRED);
        }
        VerifiedToken verified;
        try {
            verified = verifier.verify(token);
        } catch (InvalidTokenException e) {
            return responses.error(401, ErrorCode.INVALID_CREDENTIALS, ErrorTexts.INVALID_CREDENTIALS);
        }
        if (!verified.admin()) {
            return responses.error(403, "forbidden", NOT_ADMIN);
        }
        // Members' names behind a credential: no cache along the way may keep them for the next asker.
        return Response.fromResponse(responses.json(200, figures.overview())).header("Cache-Control", "no-store").build();
    }
}
