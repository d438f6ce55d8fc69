package io.roomcast.api;

/**
 * The names of the HTTP API's bodies in its OpenAPI description. Servers do not all introspect records,
 * so each body is declared once, property by property, in {@link RoomcastApi}'s
 * {@code @OpenAPIDefinition}, and the resources refer to it by name; {@code OpenApiIT} checks what the
 * server serves.
 */
final class OpenApiSchemas {

    static final String ERROR = "Error";
    static final String ACCEPTED = "Accepted";
    static final String MESSAGE = "Message";
    static final String HISTORY = "HistoryPage";
    static final String STATUS = "Status";
    static final String TOKEN = "DevToken";
    static final String PUBLISH = "PublishRequest";

    private OpenApiSchemas() {
    }
}
