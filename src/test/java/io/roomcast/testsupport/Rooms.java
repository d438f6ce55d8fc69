package io.roomcast.testsupport;

import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.time.Duration;

/** Waiting on the server's own figures ({@code GET /api/status}) instead of sleeping. */
public final class Rooms {

    private Rooms() {
    }

    public static int membersOf(Server server, int room) throws Exception {
        return server.status().getJsonArray("rooms").getValuesAs(JsonObject.class).stream()
                .filter(r -> r.getInt("room") == room).mapToInt(r -> r.getInt("members")).findFirst().orElse(0);
    }

    public static void awaitMembers(Server server, int room, int members) {
        await().atMost(Duration.ofSeconds(15)).until(() -> membersOf(server, room) == members);
    }

    public static void awaitConnections(Server server, int connections) {
        await().atMost(Duration.ofSeconds(15)).until(() -> server.connections() == connections);
    }
}
