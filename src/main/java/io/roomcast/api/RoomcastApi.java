package io.roomcast.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * The small HTTP API (PROTOCOL 6) under {@code /api}. Described by MicroProfile OpenAPI annotations,
 * served at {@code /openapi} where the server provides MicroProfile OpenAPI (Payara); elsewhere the
 * annotations are inert. The WebSocket side is docs/asyncapi.yaml.
 */
@ApplicationPath("/api")
@OpenAPIDefinition(info = @Info(title = "Roomcast HTTP API", version = "2.0.0",
        description = "Publish into rooms, read their history, live figures and (dev mode) tokens. "
                + "Every error is {\"error\":\"<code>\",\"message\":\"<text>\"}. "
                + "The WebSocket protocol is docs/asyncapi.yaml and docs/PROTOCOL.md."),
            components = @Components(schemas = {
            @Schema(name = OpenApiSchemas.ERROR, type = SchemaType.OBJECT, requiredProperties = {"error", "message"},
                    description = "Every error of the API (and of a refused WebSocket handshake)",
                    properties = {
                        // docs/asyncapi.yaml's HttpErrorCode, the same list (OpenApiIT compares them)
                        @SchemaProperty(name = "error", type = SchemaType.STRING, description = "a code of PROTOCOL 2, 3.2, 6 or 12",
                                enumeration = {"invalid_parameter", "invalid_message", "bad_request", "missing_credentials",
                                    "invalid_credentials", "forbidden_origin", "forbidden_room", "forbidden_client", "forbidden",
                                    "not_found", "method_not_allowed", "not_acceptable", "too_large", "unsupported_media_type",
                                    "upgrade_required", "rate_limited", "too_many_connections", "too_many_rooms", "server_error",
                                    "shutting_down", "unavailable"}),
                        @SchemaProperty(name = "message", type = SchemaType.STRING, minLength = 1, description = "for humans")}),
            @Schema(name = OpenApiSchemas.PUBLISH, type = SchemaType.OBJECT, requiredProperties = {"text"},
                    properties = @SchemaProperty(name = "text", type = SchemaType.STRING, minLength = 1)),
            @Schema(name = OpenApiSchemas.ACCEPTED, type = SchemaType.OBJECT, requiredProperties = {"status", "id", "epoch", "offset"},
                    properties = {
                        @SchemaProperty(name = "status", type = SchemaType.STRING, enumeration = "accepted"),
                        @SchemaProperty(name = "id", type = SchemaType.STRING),
                        @SchemaProperty(name = "epoch", type = SchemaType.STRING, nullable = true, maxLength = 32),
                        @SchemaProperty(name = "offset", type = SchemaType.INTEGER, nullable = true, minimum = "1")}),
            @Schema(name = OpenApiSchemas.MESSAGE, type = SchemaType.OBJECT,
                    requiredProperties = {"type", "room", "id", "from", "text", "ref", "timestamp", "epoch", "offset"},
                    description = "A message event, as on the WebSocket (docs/asyncapi.yaml, Message)",
                    properties = {
                        @SchemaProperty(name = "type", type = SchemaType.STRING, enumeration = "message"),
                        @SchemaProperty(name = "room", type = SchemaType.INTEGER),
                        @SchemaProperty(name = "id", type = SchemaType.STRING),
                        @SchemaProperty(name = "from", type = SchemaType.STRING),
                        @SchemaProperty(name = "text", type = SchemaType.STRING),
                        @SchemaProperty(name = "ref", type = SchemaType.STRING, nullable = true),
                        @SchemaProperty(name = "timestamp", type = SchemaType.INTEGER),
                        @SchemaProperty(name = "epoch", type = SchemaType.STRING, nullable = true),
                        @SchemaProperty(name = "offset", type = SchemaType.INTEGER, nullable = true)}),
            @Schema(name = OpenApiSchemas.HISTORY, type = SchemaType.OBJECT, requiredProperties = {"room", "epoch", "offset", "messages", "complete"},
                    properties = {
                        @SchemaProperty(name = "room", type = SchemaType.INTEGER),
                        @SchemaProperty(name = "epoch", type = SchemaType.STRING, nullable = true,
                                description = "null when the room has no stream, or streams are off"),
                        @SchemaProperty(name = "offset", type = SchemaType.INTEGER, nullable = true,
                                description = "the room's latest offset (0 without a stream, null with streams off)"),
                        @SchemaProperty(name = "messages", type = SchemaType.ARRAY, ref = OpenApiSchemas.MESSAGE),
                        @SchemaProperty(name = "complete", type = SchemaType.BOOLEAN)}),
            @Schema(name = OpenApiSchemas.STATUS, type = SchemaType.OBJECT, requiredProperties = {"connections", "rooms", "instance", "instances"},
                    properties = {
                        @SchemaProperty(name = "connections", type = SchemaType.INTEGER),
                        @SchemaProperty(name = "rooms", type = SchemaType.ARRAY,
                                description = "[{room, members}] of every instance"),
                        @SchemaProperty(name = "instance", type = SchemaType.STRING),
                        @SchemaProperty(name = "instances", type = SchemaType.ARRAY,
                                description = "[{instance, connections}]")}),
            @Schema(name = OpenApiSchemas.TOKEN, type = SchemaType.OBJECT, requiredProperties = {"token", "user", "expiresAt"},
                    properties = {
                        @SchemaProperty(name = "token", type = SchemaType.STRING),
                        @SchemaProperty(name = "user", type = SchemaType.STRING),
                        @SchemaProperty(name = "expiresAt", type = SchemaType.INTEGER)})
        }))
@SecurityScheme(securitySchemeName = RoomcastApi.BEARER, type = SecuritySchemeType.HTTP, scheme = "bearer",
        bearerFormat = "JWT")
public class RoomcastApi extends Application {

    static final String BEARER = "bearer";
}
