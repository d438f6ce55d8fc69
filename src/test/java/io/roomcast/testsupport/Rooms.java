package io.roomcast.testsupport;

import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.Arrays;

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

    /** Members of a room on every instance, by the server's {@code /api/status}; -1 while it does not answer. */
    public static int membersIfAnswering(Server server, int room) {
        try {
            return membersOf(server, room);
        } catch (Exception e) {
            return -1;
        }
    }

    /** Rows of the server's {@code /api/status} {@code instances}; -1 while it does not answer. */
    public static int instanceRows(Server server) {
        try {
            return server.status().getJsonArray("instances").size();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Waits until every one of the servers counts {@code members} in the room (each sees every instance's). */
    public static void awaitMembersOnEach(Duration atMost, int room, int members, Server... servers) {
        await().atMost(atMost).until(() -> Arrays.stream(servers).allMatch(s -> membersIfAnswering(s, room) == members));
    }
}
