package io.roomcast.protocol;

import jakarta.json.JsonException;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import java.util.HashMap;
import java.util.Map;

/**
 * The top-level fields of a JSON object, with numbers also kept exactly as written. Parsing rejects
 * anything that is not a single JSON value (trailing content included).
 */
final class JsonObjectFields {

    private final Map<String, JsonValue> values = new HashMap<>();
    private final Map<String, String> rawNumbers = new HashMap<>();

    private JsonObjectFields() {
    }

    /**
     * Parses one JSON text. Returns null when it is valid JSON but not an object.
     *
     * @throws JsonException when the text is not valid JSON
     */
    static JsonObjectFields parse(String text) {
        try (JsonParser parser = CachedJson.parser(text)) {
            if (!parser.hasNext()) {
                throw new JsonException("empty");
            }
            JsonParser.Event event = parser.next();
            JsonObjectFields fields = null;
            if (event == JsonParser.Event.START_OBJECT) {
                fields = new JsonObjectFields();
                while ((event = parser.next()) == JsonParser.Event.KEY_NAME) {
                    String key = parser.getString();
                    JsonParser.Event valueEvent = parser.next();
                    if (valueEvent == JsonParser.Event.VALUE_NUMBER) {
                        fields.rawNumbers.put(key, parser.getString());
                    }
                    fields.values.put(key, value(parser, valueEvent));
                }
            } else {
                value(parser, event);
            }
            if (parser.hasNext()) {
                throw new JsonException("trailing content after the JSON value");
            }
            return fields;
        }
    }

    private static JsonValue value(JsonParser parser, JsonParser.Event event) {
        return switch (event) {
            case START_OBJECT -> parser.getObject();
            case START_ARRAY -> parser.getArray();
            default -> parser.getValue();
        };
    }

    JsonValue value(String key) {
        return values.get(key);
    }

    /** The number as the client wrote it, or null when the field is absent or not a number. */
    String rawNumber(String key) {
        return rawNumbers.get(key);
    }
}
