package io.roomcast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.TargetServer;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

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
