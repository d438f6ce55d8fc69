package io.roomcast.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a request body of at most a given number of bytes. A declared {@code Content-Length} over the
 * bound is refused before a byte is read; a body without one (chunked) is read up to the bound plus
 * one byte and refused there, so a client cannot make the server buffer more than the bound.
 */
public final class BoundedBody {

    /** What came of reading the body. */
    public sealed interface Result {
    }

    /** The body, decoded as UTF-8. */
    public record Text(String text) implements Result {
    }

    /** Longer than the bound: 413, nothing more is read. */
    public record TooLarge() implements Result {
    }

    /** Not UTF-8. */
    public record Malformed() implements Result {
    }

    private BoundedBody() {
    }

    /**
     * @param contentLength the {@code Content-Length} header, or null
     * @param body the request body stream
     * @param limit the most bytes accepted
     */
    public static Result read(String contentLength, InputStream body, int limit) throws IOException {
        if (contentLength != null) {
            try {
                if (Long.parseLong(contentLength.trim()) > limit) {
                    return new TooLarge();
                }
            } catch (NumberFormatException e) {
                // a malformed length is the container's business; the bounded read below still holds
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (body != null) {
            byte[] buffer = new byte[8192];
            int total = 0;
            while (total <= limit) {
                int n = body.read(buffer, 0, Math.min(buffer.length, limit + 1 - total));
                if (n < 0) {
                    break;
                }
                bytes.write(buffer, 0, n);
                total += n;
            }
            if (total > limit) {
                return new TooLarge();
            }
        }
        try {
            return new Text(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString());
        } catch (CharacterCodingException e) {
            return new Malformed();
        }
    }
}
