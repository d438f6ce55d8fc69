package io.roomcast.testsupport;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/** What the room stream tests (PROTOCOL 9) do over and over: connect, join with or without since, publish, read. */
public final class StreamClients {

    private final Server server;

    public StreamClients(Server server) {
        this.server = server;
    }

    /** A JSON client on {@code /ws/auth} with a token for the user, past its welcome. */
    public WsClient json(String user) throws Exception {
        WsClient client = WsClient.connect(server.ws("ws/auth"), Map.of("Authorization", "Bearer " + TestTokens.valid(user)));
        client.awaitJson(type("welcome"));
        return client;
    }

    /** A guest on {@code /ws/realtime}, past its welcome. */
    public WsClient guest() throws Exception {
        WsClient client = WsClient.connect(server.ws("ws/realtime"));
        client.awaitJson(type("welcome"));
        return client;
    }

    public static JsonObject join(WsClient client, int room) throws Exception {
        client.send("{\"type\":\"join\",\"room\":" + room + "}");
        return client.awaitJson(type("joined"));
    }

    public static JsonObject joinSince(WsClient client, int room, String epoch, long offset) throws Exception {
        client.send("{\"type\":\"join\",\"room\":" + room + ",\"since\":" + since(epoch, offset) + "}");
        return client.awaitJson(type("joined"));
    }

    public static String since(String epoch, long offset) {
        return "{\"epoch\":\"" + epoch + "\",\"offset\":" + offset + "}";
    }

    /** Sends a JSON message with a ref (null for none). */
    public static void send(WsClient client, int room, String text, String ref) throws Exception {
        client.send("{\"type\":\"message\",\"room\":" + room + ",\"text\":\"" + text + "\""
                + (ref == null ? "" : ",\"ref\":\"" + ref + "\"") + "}");
    }

    /** {@code POST /api/rooms/{room}/messages} as the user, with an {@code Idempotency-Key} when not null. */
    public HttpResponse<String> publish(String user, int room, String text, String idempotencyKey) throws Exception {
        Map<String, String> headers = new HashMap<>();
        headers.put("Authorization", "Bearer " + TestTokens.valid(user));
        if (idempotencyKey != null) {
            headers.put("Idempotency-Key", idempotencyKey);
        }
        return server.post("api/rooms/" + room + "/messages", "{\"text\":\"" + text + "\"}", headers);
    }

    /** Publishes over HTTP and returns the 202 body. */
    public JsonObject published(String user, int room, String text) throws Exception {
        HttpResponse<String> response = publish(user, room, text, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return WsClient.parse(response.body());
    }

    /** A {@code history} frame and its answer. */
    public static JsonObject history(WsClient client, String frame) throws Exception {
        client.send(frame);
        return client.awaitJson(type("history").or(type("error")));
    }

    public static Predicate<JsonObject> message(long offset) {
        return f -> "message".equals(f.getString("type", "")) && f.get("offset") instanceof jakarta.json.JsonNumber n
                && n.longValue() == offset;
    }

    public static long offset(JsonObject frame) {
        return frame.getJsonNumber("offset").longValueExact();
    }

    /** The offsets of a history answer's messages, in the order given. */
    public static long[] offsets(JsonObject history) {
        return history.getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                .mapToLong(StreamClients::offset).toArray();
    }

    public static void assertError(JsonObject frame, String code, String ref) {
        assertThat(frame.getString("type")).as(frame.toString()).isEqualTo("error");
        assertThat(frame.getString("code")).isEqualTo(code);
        if (ref == null) {
            assertThat(frame.get("ref")).isEqualTo(JsonValue.NULL);
        } else {
            assertThat(frame.getString("ref")).isEqualTo(ref);
        }
    }
}
