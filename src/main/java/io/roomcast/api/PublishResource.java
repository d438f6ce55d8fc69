package io.roomcast.api;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.FrameSize;
import io.roomcast.auth.VerifiedToken;
import io.roomcast.observability.RoomcastMetrics;
import io.roomcast.protocol.CachedJson;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.room.RoomCommand;
import io.roomcast.room.RoomResult;
import io.roomcast.room.Rooms;
import io.roomcast.tracing.TraceContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code POST /api/rooms/{roomId}/messages}: lets a back end publish into a room as the token's
 * user. Not subject to the per-connection rate limit (PROTOCOL 5), but to a rate per user and a body
 * bound (PROTOCOL 12). Checks in order: room id 400, credentials 401, rooms claim 403,
 * {@code Idempotency-Key} 400, rate 429, body size 413, body 400, text size 413. A repeated
 * {@code Idempotency-Key} of the same user and room within the TTL answers the first publish again
 * and publishes nothing (PROTOCOL 9.3).
 */
@Path("/rooms/{roomId}/messages")
@RequestScoped
public class PublishResource {

    /** {@code epoch} and {@code offset} are the message's place in the room's stream, null when streams are off. */
    @JsonbPropertyOrder({"status", "id", "epoch", "offset"})
    public record Accepted(String status, String id, String epoch, Long offset) {
    }

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final int MAX_IDEMPOTENCY_KEY = 64;

    @Inject
    RoomAccess roomAccess;
    @Inject
    Rooms rooms;
    @Inject
    ApiResponses responses;
    @Inject
    PublishRates rates;
    @Inject
    RoomcastSettings settings;
    @Inject
    RoomcastMetrics metrics;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = "rooms")
    @Operation(summary = "Publish a message into a room as the token's user",
            description = "Enters the room's stream like any message (PROTOCOL 9). A repeated Idempotency-Key of the "
                    + "same user and room within roomcast.history.ttl answers the first publish and publishes nothing.")
    @SecurityRequirement(name = RoomcastApi.BEARER)
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(ref = OpenApiSchemas.PUBLISH)))
    @Parameter(name = "roomId", in = ParameterIn.PATH, required = true, description = "1..2147483647")
    @Parameter(name = IDEMPOTENCY_KEY, in = ParameterIn.HEADER, description = "1-64 characters")
    @Parameter(name = TraceContext.TRACEPARENT, in = ParameterIn.HEADER, description = "W3C trace context: the "
            + "publish's span is its child when tracing is on (docs/DEPLOYMENT.md); ignored when it does not parse")
    @APIResponse(responseCode = "202", description = "in the room's stream",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiSchemas.ACCEPTED)))
    @APIResponse(responseCode = "400", description = "invalid room id, Idempotency-Key or body",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiSchemas.ERROR)))
    @APIResponse(responseCode = "401", description = "missing or invalid credentials",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiSchemas.ERROR)))
    @APIResponse(responseCode = "403", description = "the token's rooms exclude the room",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiSchemas.ERROR)))
    @APIResponse(responseCode = "413", description = "body or text too large",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiSchemas.ERROR)))
    @APIResponse(responseCode = "429", description = "over the publish rate of this user",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiSchemas.ERROR)))
    @APIResponse(responseCode = "503", description = "unavailable: this instance cannot reach a majority of its "
            + "cluster (nothing was published; Retry-After)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiSchemas.ERROR)))
    public Response publish(@PathParam("roomId") String roomId,
                            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                            @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
                            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey,
                            @HeaderParam(TraceContext.TRACEPARENT) String traceparent, InputStream body)
            throws IOException {
        long received = System.nanoTime();
        RoomAccess.Outcome access = roomAccess.check(roomId, authorization, false);
        if (access.refusal() != null) {
            return access.refusal();
        }
        int room = access.room();
        VerifiedToken verified = access.token();
        if (idempotencyKey != null && (idempotencyKey.isEmpty() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY)) {
            return responses.error(400, ErrorCode.INVALID_PARAMETER,
                    "Idempotency-Key must be 1-" + MAX_IDEMPOTENCY_KEY + " characters");
        }
        if (!rates.tryPublish(verified.user())) {
            return responses.error(429, ErrorCode.RATE_LIMITED, "over roomcast.limits.rate publishes per second for this user");
        }
        int limit = settings.maxPublishBodyBytes();
        BoundedBody.Result read = BoundedBody.read(contentLength, body, limit);
        if (read instanceof BoundedBody.TooLarge) {
            return responses.tooLarge("the body is larger than " + limit + " bytes");
        }
        String text = read instanceof BoundedBody.Text t ? text(t.text()) : null;
        if (text == null) {
            return responses.error(400, ErrorCode.INVALID_MESSAGE, "body must be {\"text\":\"<non-empty string>\"}");
        }
        if (FrameSize.utf8LengthExceeds(text, settings.maxTextBytes())) {
            return responses.tooLarge("text is longer than " + settings.maxTextBytes() + " UTF-8 bytes");
        }
        // W3C: a traceparent that does not parse is ignored (a new trace), never refused
        RoomResult.Published placed = rooms.publish(RoomCommand.Publish.http(room, verified.user(), text,
                idempotencyKey, TraceContext.orNull(traceparent)));
        metrics.publishAcked(System.nanoTime() - received);
        return responses.json(202, new Accepted("accepted", placed.id(), placed.epoch(), placed.offset()));
    }

    private static String text(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try (JsonReader reader = CachedJson.reader(body)) {
            JsonValue value = reader.readValue();
            if (value instanceof JsonObject object && object.get("text") instanceof JsonString s
                    && !s.getString().isEmpty()) {
                return s.getString();
            }
            return null;
        } catch (JsonException | IllegalStateException e) {
            return null;
        }
    }
}
