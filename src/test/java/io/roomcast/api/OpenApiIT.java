package io.roomcast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.FrameContract;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.TargetServer;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The HTTP API described by MicroProfile OpenAPI, served at /openapi where the server provides it. */
class OpenApiIT extends DeployedRoomcast {

    @Test
    void theHttpApiIsDescribedAtOpenapiWithOneErrorBody() throws Exception {
        assumeFalse(TargetServer.isWildFly(), "WildFly's default standalone.xml has no MicroProfile OpenAPI subsystem");
        URI openapi = server.base().resolve("/openapi");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(openapi)
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject document = WsClient.parse(response.body());
        JsonObject paths = document.getJsonObject("paths");
        String publish = paths.keySet().stream().filter(p -> p.endsWith("/rooms/{roomId}/messages")).findFirst().orElseThrow();
        String history = paths.keySet().stream().filter(p -> p.endsWith("/rooms/{roomId}/history")).findFirst().orElseThrow();
        assertThat(paths.keySet()).anySatisfy(p -> assertThat(p).endsWith("/status"));
        JsonObject post = paths.getJsonObject(publish).getJsonObject("post");
        assertThat(post.getJsonObject("responses").keySet()).contains("202", "400", "401", "403", "413", "429");
        assertThat(post.toString()).contains("Idempotency-Key");
        assertThat(paths.getJsonObject(history).getJsonObject("get").getJsonObject("responses").keySet())
                .contains("200", "400", "401", "403");
        for (String status : new String[] {"400", "401", "403", "413", "429"}) {
            assertThat(errorSchema(document, post.getJsonObject("responses").getJsonObject(status)).keySet())
                    .as("every error answer has the one error body").containsExactlyInAnyOrder("error", "message");
        }
        assertThat(document.getJsonObject("components").getJsonObject("securitySchemes").keySet()).contains("bearer");
    }

    /**
     * The served {@code Error} schema names exactly docs/asyncapi.yaml's {@code HttpErrorCode}, and every
     * error the API answers (each provoked here) meets it.
     */
    @Test
    void everyErrorOfTheApiMeetsTheServedErrorSchema() throws Exception {
        assumeFalse(TargetServer.isWildFly(), "WildFly's default standalone.xml has no MicroProfile OpenAPI subsystem");
        HttpResponse<String> served = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.base().resolve("/openapi"))
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(served.statusCode()).isEqualTo(200);
        JsonNode errorSchema = new ObjectMapper().readTree(served.body()).path("components").path("schemas").path("Error");
        assertThat(errorSchema.isObject()).as(served.body()).isTrue();
        java.util.Set<String> codes = new java.util.TreeSet<>();
        errorSchema.path("properties").path("error").path("enum").forEach(code -> codes.add(code.asString()));
        assertThat(codes).isEqualTo(FrameContract.enumValues("HttpErrorCode"));

        FrameContract contract = FrameContract.of(jsonSchema(errorSchema));
        String publish = "api/rooms/23101/messages";
        Map<String, String> alice = Map.of("Authorization", "Bearer " + TestTokens.valid("openapi-alice"));
        List<HttpResponse<String>> errors = List.of(
                server.get("api/rooms/0/history", alice),
                server.post(publish, "{}", alice),
                server.post(publish, "{\"text\":\"hi\"}", Map.of()),
                server.post(publish, "{\"text\":\"hi\"}", Map.of("Authorization",
                        "Bearer " + TestTokens.forRooms("openapi-alice", List.of(1)))),
                server.get("api/no-such-resource"),
                server.send("DELETE", "api/status", Map.of()),
                server.get("api/status", Map.of("Accept", "text/plain")),
                server.post(publish, "{\"text\":\"" + "x".repeat(70_000) + "\"}", alice));
        assertThat(errors).extracting(HttpResponse::statusCode).containsExactly(400, 400, 401, 403, 404, 405, 406, 413);
        for (HttpResponse<String> error : errors) {
            assertThat(contract.violations(error.body())).as(error.body()).isEmpty();
        }
    }

    /**
     * An OpenAPI 3.0 schema object as JSON Schema: only the keywords both mean alike (the server also
     * writes OpenAPI 3.0's boolean {@code exclusiveMaximum}, which JSON Schema reads as a number).
     */
    private static JsonNode jsonSchema(JsonNode openApi) {
        ObjectNode schema = JsonNodeFactory.instance.objectNode();
        for (String keyword : List.of("type", "required", "enum", "minLength", "maxLength", "pattern", "minimum", "maximum")) {
            if (openApi.has(keyword)) {
                schema.set(keyword, openApi.get(keyword));
            }
        }
        if (openApi.has("properties")) {
            ObjectNode properties = schema.putObject("properties");
            openApi.get("properties").properties().forEach(p -> properties.set(p.getKey(), jsonSchema(p.getValue())));
        }
        return schema;
    }

    /** The properties of a response's JSON schema, following a $ref into the components. */
    private static JsonObject errorSchema(JsonObject document, JsonObject response) {
        JsonObject schema = response.getJsonObject("content").getJsonObject("application/json").getJsonObject("schema");
        if (schema.containsKey("$ref")) {
            String name = schema.getString("$ref").substring("#/components/schemas/".length());
            schema = document.getJsonObject("components").getJsonObject("schemas").getJsonObject(name);
        }
        assertThat(schema).as(response.toString()).isNotNull();
        return schema.getJsonObject("properties");
    }
}
