package io.roomcast.protocol;

import io.roomcast.tracing.TraceContext;

import jakarta.json.JsonException;
import java.util.regex.Pattern;

/**
 * Turns a text frame into a {@link ClientFrame}, strictly. The JSON-P streaming parser rather than
 * JSON-B binding, because binding would quietly accept {@code "7"}, {@code 7.0}, {@code 7e0} or wrap
 * {@code 4294967297}, and the protocol wants each of those refused as {@code invalid_message}: ids are
 * judged on the number exactly as the client wrote it.
 *
 * <p>Fields the protocol does not know are ignored whatever their value; only nesting deeper than
 * {@link JsonObjectFields#MAX_DEPTH} is refused, as {@code invalid_message}, since the frame is valid
 * JSON. Whatever else the parser may throw on valid JSON is also {@code invalid_message}: a frame never
 * costs the connection.
 */
public final class ClientFrameDecoder {

    private static final Pattern PLAIN_INTEGER = Pattern.compile("-?[0-9]+");

    public Decoded decode(String text) {
        JsonObjectFields fields;
        try {
            fields = JsonObjectFields.parse(text);
        } catch (JsonObjectFields.TooDeepException e) {
            return invalid("a frame may nest at most " + JsonObjectFields.MAX_DEPTH + " levels deep", null);
        } catch (JsonException | IllegalStateException | java.util.NoSuchElementException e) {
            return new Decoded.Invalid(ErrorCode.INVALID_JSON, "only JSON is supported", null);
        } catch (RuntimeException e) {
            // A parser limit we do not know of, on JSON it accepted so far: refuse the frame, keep the connection.
            return invalid("the frame could not be read", null);
        }
        if (fields == null) {
            return invalid("a frame must be a JSON object", null);
        }
        String ref = fields.string("ref");
        if (fields.has("ref") && !fields.isNull("ref") && ref == null) {
            return invalid("'ref' must be a string", null);
        }
        String type = fields.string("type");
        if (type == null) {
            return invalid("'type' must be a string", ref);
        }
        try {
            return new Decoded.Valid(switch (type) {
                case "join" -> new ClientFrame.Join(id(fields, "room"), since(fields), ref);
                case "history" -> new ClientFrame.History(id(fields, "room"), since(fields), limit(fields), ref);
                case "leave" -> new ClientFrame.Leave(id(fields, "room"), ref);
                case "message" -> new ClientFrame.Send(id(fields, "room"), text(fields), messageRef(ref),
                        traceparent(fields));
                case "direct" -> new ClientFrame.Direct(id(fields, "to"), text(fields), ref);
                case "ping" -> new ClientFrame.Ping(ref);
                case "refresh" -> new ClientFrame.Refresh(token(fields), ref);
                default -> throw new FieldException("unknown type '" + type + "'");
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

    private static int id(JsonObjectFields fields, String field) {
        String raw = fields.rawNumber(field);
        if (raw == null) {
            throw new FieldException("'" + field + "' must be an integer from 1 to 2147483647");
        }
        int id = parseId(raw);
        if (id < 0) {
            throw new FieldException("'" + field + "' must be an integer from 1 to 2147483647");
        }
        return id;
    }

    static final int MAX_MESSAGE_REF_LENGTH = 64;
    private static final String SINCE_RULE = "'since' must be {\"epoch\":<string of 1-32 characters>,\"offset\":<integer 0..2^53-1>}";

    /** Absent or null: no {@code since}. Anything else must be a well-formed position. */
    private static ClientFrame.Since since(JsonObjectFields fields) {
        if (!fields.has(JsonObjectFields.SINCE) || fields.isNull(JsonObjectFields.SINCE)) {
            return null;
        }
        JsonObjectFields since = fields.since();
        if (since == null) {
            throw new FieldException(SINCE_RULE);
        }
        String epoch = since.string("epoch");
        long offset = StreamPositions.offset(since.rawNumber("offset"));
        if (!StreamPositions.isEpoch(epoch) || offset < 0) {
            throw new FieldException(SINCE_RULE);
        }
        return new ClientFrame.Since(epoch, offset);
    }

    private static int limit(JsonObjectFields fields) {
        if (!fields.has("limit") || fields.isNull("limit")) {
            return StreamPositions.DEFAULT_HISTORY_LIMIT;
        }
        int limit = StreamPositions.limit(fields.rawNumber("limit"));
        if (limit < 0) {
            throw new FieldException("'limit' must be an integer from 1 to " + StreamPositions.MAX_HISTORY_LIMIT);
        }
        return limit;
    }

    /** A message's ref asks for an ack (PROTOCOL 9.3): 1-64 characters. */
    private static String messageRef(String ref) {
        if (ref != null && (ref.isEmpty() || ref.length() > MAX_MESSAGE_REF_LENGTH)) {
            throw new FieldException("a message's 'ref' must be 1-" + MAX_MESSAGE_REF_LENGTH + " characters");
        }
        return ref;
    }

    /**
     * Absent or null: none. Else a W3C traceparent of version 00 (PROTOCOL 9.4); anything else is refused, as a
     * malformed field of ours (a client that cannot build one can leave it out).
     */
    private static String traceparent(JsonObjectFields fields) {
        if (!fields.has(TraceContext.TRACEPARENT) || fields.isNull(TraceContext.TRACEPARENT)) {
            return null;
        }
        String value = fields.string(TraceContext.TRACEPARENT);
        if (!TraceContext.valid(value)) {
            throw new FieldException("'traceparent' must be a W3C traceparent: 00-<32 hex>-<16 hex>-<2 hex>, "
                    + "lower case, ids not all zeros");
        }
        return value;
    }

    private static String text(JsonObjectFields fields) {
        String text = fields.string("text");
        if (text == null || text.isEmpty()) {
            throw new FieldException("'text' must be a non-empty string");
        }
        return text;
    }

    private static String token(JsonObjectFields fields) {
        String token = fields.string("token");
        if (token == null || token.isEmpty()) {
            throw new FieldException("'token' must be a non-empty string");
        }
        return token;
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
