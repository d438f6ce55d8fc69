package io.roomcast.api;

import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.Ids;
import io.roomcast.room.RoomRegistry;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** {@code GET /api/status}: live connections and rooms of this instance. */
@Path("/status")
@RequestScoped
public class StatusResource {

    @JsonbPropertyOrder({"room", "members"})
    public record RoomFigure(int room, int members) {
    }

    @JsonbPropertyOrder({"connections", "rooms", "instance"})
    public record StatusBody(int connections, List<RoomFigure> rooms, String instance) {
    }

    @Inject
    ConnectionRegistry registry;
    @Inject
    RoomRegistry rooms;
    @Inject
    Ids ids;
    @Inject
    ApiResponses responses;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response status() {
        List<RoomFigure> figures = rooms.sizes().entrySet().stream()
                .map(e -> new RoomFigure(e.getKey(), e.getValue())).toList();
        return responses.json(200, new StatusBody(registry.size(), figures, ids.instance()));
    }
}
