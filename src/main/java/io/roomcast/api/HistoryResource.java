package io.roomcast.api;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.room.RoomCommand;
import io.roomcast.room.Rooms;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.StreamPositions;
import io.roomcast.stream.StreamPosition;
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
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /api/rooms/{roomId}/history?limit=&epoch=&offset=}: a page of a room's stream, the same
 * answer as the {@code history} frame without {@code type} and {@code ref} (PROTOCOL 9.2), within
 * {@code roomcast.history.answer-bytes} (13.1). A token whose rights include the room, as for
 * publishing; no token only when both {@code roomcast.history.anonymous} and
 * {@code roomcast.auth.anonymous} allow guests (13.4). Checks in order: room id 400, credentials 401,
 * rooms claim 403, parameters 400.
 */
@Path("/rooms/{roomId}/history")
@RequestScoped
public class HistoryResource {

    @Inject
    RoomAccess roomAccess;
    @Inject
    Rooms rooms;
    @Inject
    ApiResponses responses;
    @Inject
    RoomcastSettings settings;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = "rooms")
    @Operation(summary = "A page of a room's stream (PROTOCOL 9.2)",
            description = "The oldest `limit` kept messages after (epoch, offset), or the newest `limit` without them. "
                    + "A token whose rooms include the room; none needed only when roomcast.history.anonymous and "
                    + "roomcast.auth.anonymous are both true. At most roomcast.history.answer-bytes of JSON: "
                    + "complete is false when a message was left out; page on with the last offset.")
    @SecurityRequirement(name = RoomcastApi.BEARER)
    @Parameter(name = "roomId", in = ParameterIn.PATH, required = true, description = "1..2147483647")
    @Parameter(name = "limit", in = ParameterIn.QUERY, description = "1..1000, default 100")
    @Parameter(name = "epoch", in = ParameterIn.QUERY, description = "with offset: 1-32 characters")
    @Parameter(name = "offset", in = ParameterIn.QUERY, description = "with epoch: 0..2^53-1")
    @APIResponse(responseCode = "200", description = "the page",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiSchemas.HISTORY)))
    @APIResponse(responseCode = "400", description = "invalid room id, limit, epoch or offset",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiSchemas.ERROR)))
    @APIResponse(responseCode = "401", description = "missing or invalid credentials",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiSchemas.ERROR)))
    @APIResponse(responseCode = "403", description = "the token's rooms exclude the room",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiSchemas.ERROR)))
    @APIResponse(responseCode = "503", description = "unavailable: this instance cannot reach a majority of its "
            + "cluster (Retry-After)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiSchemas.ERROR)))
    public Response history(@PathParam("roomId") String roomId,
                            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                            @QueryParam("limit") String limit, @QueryParam("epoch") String epoch,
                            @QueryParam("offset") String offset) {
        RoomAccess.Outcome access = roomAccess.check(roomId, authorization,
                settings.historyAnonymous() && settings.anonymousAllowed());
        if (access.refusal() != null) {
            return access.refusal();
        }
        int room = access.room();
        HistoryQuery query = HistoryQuery.parse(limit, epoch, offset);
        if (query.problem() != null) {
            return responses.error(400, ErrorCode.INVALID_PARAMETER, query.problem());
        }
        return responses.json(200, rooms.history(new RoomCommand.HistoryPage(room, query.since(), query.limit())).json());
    }

    /** The query parameters, judged like the frame's fields (PROTOCOL 9.1, 9.2). */
    record HistoryQuery(int limit, StreamPosition since, String problem) {

        static HistoryQuery parse(String limit, String epoch, String offset) {
            int parsedLimit = StreamPositions.DEFAULT_HISTORY_LIMIT;
            if (limit != null) {
                parsedLimit = StreamPositions.limit(limit);
                if (parsedLimit < 0) {
                    return invalid("'limit' must be an integer from 1 to " + StreamPositions.MAX_HISTORY_LIMIT);
                }
            }
            if (epoch == null && offset == null) {
                return new HistoryQuery(parsedLimit, null, null);
            }
            long parsedOffset = StreamPositions.offset(offset);
            if (!StreamPositions.isEpoch(epoch) || parsedOffset < 0) {
                return invalid("'epoch' (1-32 characters) and 'offset' (an integer 0..2^53-1) go together");
            }
            return new HistoryQuery(parsedLimit, new StreamPosition(epoch, parsedOffset), null);
        }

        private static HistoryQuery invalid(String problem) {
            return new HistoryQuery(0, null, problem);
        }
    }
}
