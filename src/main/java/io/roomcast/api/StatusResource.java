package io.roomcast.api;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.Ids;
import io.roomcast.protocol.ServerFrames.InstanceFigure;
import io.roomcast.status.ClusterFigures;
import io.roomcast.status.StatusPublisher;
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
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * {@code GET /api/status}: live connections and rooms of every instance of the cluster, the name of
 * the instance that answered, and a row per instance. With {@code roomcast.auth.anonymous=false} it
 * needs an {@code Authorization: Bearer} token like the WebSocket endpoints; an invalid token is
 * refused (401) whether or not credentials are needed, as in the handshake.
 */
@Path("/status")
@RequestScoped
public class StatusResource {

    @JsonbPropertyOrder({"room", "members"})
    public record RoomFigure(int room, int members) {
    }

    @JsonbPropertyOrder({"connections", "rooms", "instance", "instances"})
    public record StatusBody(int connections, List<RoomFigure> rooms, String instance, List<InstanceFigure> instances) {
    }

    @Inject
    StatusPublisher status;
    @Inject
    Ids ids;
    @Inject
    ApiResponses responses;
    @Inject
    RoomcastSettings settings;
    @Inject
    ApiCredentials credentials;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = "figures")
    @Operation(summary = "Live connections and rooms of every instance")
    @SecurityRequirement(name = RoomcastApi.BEARER)
    @APIResponse(responseCode = "200", description = "the figures",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiSchemas.STATUS)))
    @APIResponse(responseCode = "401", description = "credentials missing (anonymous access off) or invalid",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiSchemas.ERROR)))
    public Response status(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Response refusal = credentials.check(authorization, settings.anonymousAllowed()).refusal();
        if (refusal != null) {
            return refusal;
        }
        ClusterFigures figures = status.figures();
        List<RoomFigure> rooms = figures.rooms().entrySet().stream()
                .map(e -> new RoomFigure(e.getKey(), e.getValue())).toList();
        return responses.json(200, new StatusBody(figures.connections(), rooms, ids.instance(), figures.instances()));
    }
}
