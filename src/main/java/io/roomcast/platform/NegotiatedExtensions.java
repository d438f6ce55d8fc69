package io.roomcast.platform;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Which reserved bits of a frame header (RFC 6455 5.2) a connection's extensions may use, read from
 * the {@code Sec-WebSocket-Extensions} header of the handshake response: what the server agreed to,
 * not what the client offered.
 */
public enum NegotiatedExtensions {

    /** No extension: a frame with RSV1, RSV2 or RSV3 set is a protocol error. */
    NONE,
    /** permessage-deflate (RFC 7692) alone: RSV1 on the first frame of a data message, nothing else. */
    PERMESSAGE_DEFLATE,
    /** An extension the guard does not know: which bits it uses is the container's business. */
    OTHER;

    /** From the response's {@code Sec-WebSocket-Extensions} values (none: {@link #NONE}). */
    public static NegotiatedExtensions from(Collection<String> headerValues) {
        List<String> names = new ArrayList<>();
        for (String value : headerValues) {
            for (String extension : outsideQuotes(value)) {
                int semicolon = extension.indexOf(';');
                String name = (semicolon < 0 ? extension : extension.substring(0, semicolon)).trim();
                if (!name.isEmpty()) {
                    names.add(name.toLowerCase(Locale.ROOT));
                }
            }
        }
        if (names.isEmpty()) {
            return NONE;
        }
        return names.equals(List.of("permessage-deflate")) ? PERMESSAGE_DEFLATE : OTHER;
    }

    /** The comma-separated elements of a header value; a comma inside a quoted parameter value does not split. */
    private static List<String> outsideQuotes(String value) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                parts.add(part.toString());
                part.setLength(0);
                continue;
            }
            part.append(c);
        }
        parts.add(part.toString());
        return parts;
    }
}
