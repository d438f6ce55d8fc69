package io.roomcast.status;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

/** {@code /ws/status} and {@code GET /api/status} (PROTOCOL 3.3 and 6). */
class StatusStreamIT extends DeployedRoomcast {

    @Test
    void statusFramesArriveOnOpenAndAfterEveryChange() throws Exception {
        try (WsClient status = WsClient.connect(server.ws("ws/status"))) {
            JsonObject first = status.awaitJson(type("status"));
            int before = first.getInt("connections");
            assertThat(before).isGreaterThanOrEqualTo(1); // the status session counts itself
            assertThat(first.containsKey("rooms")).isTrue();
            assertThat(first.containsKey("timestamp")).isTrue();

            try (WsClient chat = WsClient.connect(server.ws("ws/chat/401"))) {
                // the connection counts as it opens and its room as it joins: two changes, maybe two frames
                JsonObject grown = status.awaitJson(f -> "status".equals(f.getString("type"))
                        && f.getInt("connections") == before + 1 && f.getInt("rooms") >= 1);
                assertThat(grown.getInt("rooms")).isGreaterThanOrEqualTo(1);
            }
            status.awaitJson(f -> "status".equals(f.getString("type")) && f.getInt("connections") == before);
        }
    }

    @Test
    void apiStatusListsConnectionsRoomsAndTheInstance() throws Exception {
        try (WsClient a = WsClient.connect(server.ws("ws/chat/402"));
             WsClient b = WsClient.connect(server.ws("ws/chat/402"))) {
            io.roomcast.testsupport.Rooms.awaitMembers(server, 402, 2);
            JsonObject status = server.status();
            assertThat(status.getInt("connections")).isGreaterThanOrEqualTo(2);
            assertThat(status.getString("instance")).isNotBlank();
            assertThat(status.getJsonArray("rooms").getValuesAs(JsonObject.class))
                    .anySatisfy(r -> {
                        assertThat(r.getInt("room")).isEqualTo(402);
                        assertThat(r.getInt("members")).isEqualTo(2);
                    });
        }
    }
}
