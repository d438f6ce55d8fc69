package io.roomcast.api;

import io.roomcast.connection.Ids;
import io.roomcast.protocol.ServerFrames.InstanceFigure;
import io.roomcast.status.ClusterFigures;
import io.roomcast.status.StatusPublisher;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * {@code GET /api/status}: live connections and rooms of every instance of the cluster, the name of
 * the instance that answered, and a row per instance.
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

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response status() {
        ClusterFigures figures = status.figures();
        List<RoomFigure> rooms = figures.rooms().entrySet().stream()
                .map(e -> new RoomFigure(e.getKey(), e.getValue())).toList();
        return responses.json(200, new StatusBody(figures.connections(), rooms, ids.instance(), figures.instances()));
    }
}
