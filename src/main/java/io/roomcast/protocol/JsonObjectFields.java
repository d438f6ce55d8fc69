package io.roomcast.protocol;

import jakarta.json.JsonException;
import jakarta.json.stream.JsonParser;
import java.util.HashMap;
import java.util.Map;

/**
 * The top-level scalar fields of a JSON object: strings, numbers exactly as written, and which fields
 * are null. Parsing rejects anything that is not a single JSON value (trailing content included).
 *
 * <p>Values are never materialised: nested objects and arrays are walked and forgotten, and numbers
 * are kept as their digits, never turned into {@code BigDecimal}. A frame may carry extra fields the
 * protocol does not know, and their values (a 4,000-digit number, {@code 1e999999999}, nested arrays)
 * must not cost the connection: Parsson refuses to convert numbers longer than 1,100 characters, and
 * its recursive value builders have their own nesting limit. Our own limit, {@link #MAX_DEPTH}, is
 * checked while walking, without recursion, well below the parser's.
 */
final class JsonObjectFields {

    /** The deepest nesting a frame may have, the frame's own object being level 1. */
    static final int MAX_DEPTH = 64;

    private final Map<String, String> strings = new HashMap<>();
    private final Map<String, String> rawNumbers = new HashMap<>();
    private final Map<String, JsonParser.Event> kinds = new HashMap<>();
    /** The scalar fields of the one nested object the protocol reads, {@code since} (PROTOCOL 9.1). */
    private JsonObjectFields since;

    /** The only nested object whose fields are read; every other nested value is skipped. */
    static final String SINCE = "since";

    private JsonObjectFields() {
    }

    /** Valid JSON nested deeper than {@link #MAX_DEPTH}: refused as a message, not as JSON. */
    static final class TooDeepException extends RuntimeException {
        TooDeepException() {
            super("nested deeper than " + MAX_DEPTH + " levels", null, false, false);
        }
    }

    /**
     * Parses one JSON text. Returns null when it is valid JSON but not an object.
     *
     * @throws JsonException when the text is not valid JSON
     * @throws TooDeepException when it nests deeper than {@link #MAX_DEPTH}
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
                    fields.kinds.put(key, valueEvent);
                    fields.strings.remove(key);
                    fields.rawNumbers.remove(key);
                    if (key.equals(SINCE)) {
                        fields.since = null;
                    }
                    switch (valueEvent) {
                        case VALUE_STRING -> fields.strings.put(key, parser.getString());
                        case VALUE_NUMBER -> fields.rawNumbers.put(key, parser.getString());
                        case START_OBJECT -> {
                            if (key.equals(SINCE)) {
                                fields.since = readFlat(parser);
                            } else {
                                skipNested(parser, 2);
                            }
                        }
                        case START_ARRAY -> skipNested(parser, 2);
                        default -> { } // true, false, null: the kind says it all
                    }
                }
            } else if (event == JsonParser.Event.START_ARRAY) {
                skipNested(parser, 1);
            }
            if (parser.hasNext()) {
                throw new JsonException("trailing content after the JSON value");
            }
            return fields;
        }
    }

    /** The scalar fields of the object just started at depth 2; its own nested values are skipped. */
    private static JsonObjectFields readFlat(JsonParser parser) {
        JsonObjectFields fields = new JsonObjectFields();
        JsonParser.Event event;
        while ((event = parser.next()) == JsonParser.Event.KEY_NAME) {
            String key = parser.getString();
            JsonParser.Event valueEvent = parser.next();
            fields.kinds.put(key, valueEvent);
            fields.strings.remove(key);
            fields.rawNumbers.remove(key);
            switch (valueEvent) {
                case VALUE_STRING -> fields.strings.put(key, parser.getString());
                case VALUE_NUMBER -> fields.rawNumbers.put(key, parser.getString());
                case START_OBJECT, START_ARRAY -> skipNested(parser, 3);
                default -> { }
            }
        }
        return fields;
    }

    /** Walks past the object or array just started at the given depth, counting depth instead of recursing. */
    private static void skipNested(JsonParser parser, int depth) {
        if (depth > MAX_DEPTH) {
            throw new TooDeepException();
        }
        int open = 1;
        while (open > 0) {
            switch (parser.next()) {
                case START_OBJECT, START_ARRAY -> {
                    open++;
                    if (depth + open - 1 > MAX_DEPTH) {
                        throw new TooDeepException();
                    }
                }
                case END_OBJECT, END_ARRAY -> open--;
                default -> { } // scalars and keys: nothing to keep
            }
        }
    }

    /** The fields of {@code since} when it is an object, else null. */
    JsonObjectFields since() {
        return since;
    }

    boolean has(String key) {
        return kinds.containsKey(key);
    }

    boolean isNull(String key) {
        return kinds.get(key) == JsonParser.Event.VALUE_NULL;
    }

    /** The string value, or null when the field is absent or not a string. */
    String string(String key) {
        return strings.get(key);
    }

    /** The number as the client wrote it, or null when the field is absent or not a number. */
    String rawNumber(String key) {
        return rawNumbers.get(key);
    }
}
