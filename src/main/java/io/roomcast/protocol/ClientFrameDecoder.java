package io.roomcast.protocol;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.regex.Pattern;

/**
 * Turns a text frame into a {@link ClientFrame}, strictly. JSON-P rather than JSON-B binding, because
 * binding would quietly accept {@code "7"}, {@code 7.0} or wrap {@code 4294967297}, and the protocol
 * wants each of those refused as {@code invalid_message}.
 */
public final class ClientFrameDecoder {

    private static final Pattern PLAIN_INTEGER = Pattern.compile("-?[0-9]+");

    public Decoded decode(String text) {
        JsonValue value;
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            value = reader.readValue();
        } catch (JsonException | IllegalStateException e) {
            return new Decoded.Invalid(ErrorCode.INVALID_JSON, "only JSON is supported", null);
        }
        if (!(value instanceof JsonObject object)) {
            return invalid("a frame must be a JSON object", null);
        }
        JsonValue refValue = object.get("ref");
        String ref = refValue instanceof JsonString s ? s.getString() : null;
        if (refValue != null && refValue != JsonValue.NULL && ref == null) {
            return invalid("'ref' must be a string", null);
        }
        if (!(object.get("type") instanceof JsonString type)) {
            return invalid("'type' must be a string", ref);
        }
        try {
            return new Decoded.Valid(switch (type.getString()) {
                case "join" -> new ClientFrame.Join(id(object, "room"), ref);
                case "leave" -> new ClientFrame.Leave(id(object, "room"), ref);
                case "message" -> new ClientFrame.Send(id(object, "room"), text(object), ref);
                case "direct" -> new ClientFrame.Direct(id(object, "to"), text(object), ref);
                case "ping" -> new ClientFrame.Ping(ref);
                default -> throw new FieldException("unknown type '" + type.getString() + "'");
            });
        } catch (FieldException e) {
            return invalid(e.getMessage(), ref);
        }
    }

    /** Parses a room or client id the way the handshake parses path parameters: 1..2147483647. */
    public static int parseId(String raw) {
        if (raw == null || !PLAIN_INTEGER.matcher(raw).matches() || raw.length() > 11) {
            return -1;
        }
        long value = Long.parseLong(raw);
        return value >= 1 && value <= Integer.MAX_VALUE ? (int) value : -1;
    }

    private static int id(JsonObject object, String field) {
        if (!(object.get(field) instanceof JsonNumber number)) {
            throw new FieldException("'" + field + "' must be an integer from 1 to 2147483647");
        }
        int id = parseId(number.toString());
        if (id < 0) {
            throw new FieldException("'" + field + "' must be an integer from 1 to 2147483647");
        }
        return id;
    }

    private static String text(JsonObject object) {
        if (!(object.get("text") instanceof JsonString s) || s.getString().isEmpty()) {
            throw new FieldException("'text' must be a non-empty string");
        }
        return s.getString();
    }

    private static Decoded.Invalid invalid(String message, String ref) {
        return new Decoded.Invalid(ErrorCode.INVALID_MESSAGE, message, ref);
    }

    /** A field is missing or ill-typed; carries the human message of the error frame. */
    private static final class FieldException extends RuntimeException {
        FieldException(String message) {
            super(message, null, false, false);
        }
    }
}
