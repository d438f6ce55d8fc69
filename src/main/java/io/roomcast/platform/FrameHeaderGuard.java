package io.roomcast.platform;

import java.io.ByteArrayOutputStream;
import java.util.function.IntConsumer;

/**
 * Judges the client's WebSocket frames (RFC 6455 5.2) from their headers, on the raw byte stream, before
 * the container parses them (PROTOCOL 5, 13.8):
 * <ul>
 * <li>a data frame whose header declares more payload than {@code roomcast.limits.max-text} (text) or
 * {@code max-binary} (binary; for a continuation frame, the message so far plus this frame) ends the
 * connection with 1009, whatever its reserved bits. A compressed frame (permessage-deflate) is judged by
 * the same rule on its compressed length; its inflated size is judged after inflation, by the
 * application;</li>
 * <li>a frame with RSV1, RSV2 or RSV3 set that the connection's extensions do not allow ends it with
 * 1002: with none negotiated, any reserved bit; with permessage-deflate, anything but RSV1 on the first
 * frame of a text or binary message (RFC 7692 6.1). With an extension the guard does not know, the
 * reserved bits are the container's business.</li>
 * </ul>
 * Neither container does this from the header: Tyrus and Undertow both wait for a declared payload to
 * arrive (and count it as it comes), so a header declaring 2^62 bytes followed by nothing held a session
 * open until the heartbeat timeout.
 *
 * <p>Bytes pass through unchanged, except that a frame header is held back until it is complete and
 * judged (at most 14 bytes). A refused header is never passed on; in its place the guard passes a
 * close frame (1009 "frame too big" or 1002) as if the client had sent it, and drops every later byte.
 * The container then does what it does for any client close: it answers with the same close code (so
 * the client reads it), tells the endpoint ({@code @OnClose}, which removes the connection) and closes
 * the TCP connection. The guard needs no hook into the container's session for that.
 *
 * <p>Control frames and unknown opcodes are otherwise the container's business. Not thread-safe: one
 * reader per connection.
 */
public final class FrameHeaderGuard {

    /** The close frames passed on in place of a refused header: FIN+close, masked with a zero key, code 1009 or 1002. */
    static final byte[] CLOSE_TOO_BIG = {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xF1};
    static final byte[] CLOSE_PROTOCOL_ERROR = {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xEA};

    public static final int TOO_BIG = 1009;
    public static final int PROTOCOL_ERROR = 1002;
    private static final int PASSES = 0;

    private static final int CONTINUATION = 0x0;
    private static final int TEXT = 0x1;
    private static final int BINARY = 0x2;
    private static final int RSV1 = 0x40;
    private static final int RESERVED_BITS = 0x70;

    private final long maxText;
    private final long maxBinary;
    private final NegotiatedExtensions extensions;
    private final IntConsumer onRefused;

    private final byte[] header = new byte[14];
    private int headerLength;
    private long payloadRemaining;
    /** The limit of the message in progress (its first frame's opcode) and its bytes so far. */
    private long messageLimit = -1;
    private long messageBytes;
    private boolean refused;

    /**
     * @param extensions what the handshake response negotiated: which reserved bits frames may set
     * @param onRefused told the close code once, when a header is refused (for the log); must not block
     */
    public FrameHeaderGuard(long maxText, long maxBinary, NegotiatedExtensions extensions, IntConsumer onRefused) {
        this.maxText = maxText;
        this.maxBinary = maxBinary;
        this.extensions = extensions;
        this.onRefused = onRefused;
    }

    public boolean refused() {
        return refused;
    }

    /** Feeds bytes read from the client; what may pass on to the container is appended to {@code out}. */
    public void feed(byte[] bytes, int offset, int length, ByteArrayOutputStream out) {
        int i = offset;
        int end = offset + length;
        while (i < end && !refused) {
            if (payloadRemaining > 0) {
                int n = (int) Math.min(payloadRemaining, end - i);
                out.write(bytes, i, n);
                payloadRemaining -= n;
                i += n;
                continue;
            }
            header[headerLength++] = bytes[i++];
            int needed = headerSize();
            if (headerLength < needed) {
                continue;
            }
            long declared = declaredLength();
            int closeCode = judge(declared);
            if (closeCode != PASSES) {
                refused = true;
                byte[] close = closeCode == TOO_BIG ? CLOSE_TOO_BIG : CLOSE_PROTOCOL_ERROR;
                out.write(close, 0, close.length);
                onRefused.accept(closeCode);
                return;
            }
            out.write(header, 0, headerLength);
            headerLength = 0;
            payloadRemaining = declared;
        }
    }

    /** The full header size once the first two bytes are known (2 before that). */
    private int headerSize() {
        if (headerLength < 2) {
            return 2;
        }
        int code = header[1] & 0x7F;
        int extended = code == 126 ? 2 : code == 127 ? 8 : 0;
        int mask = (header[1] & 0x80) != 0 ? 4 : 0;
        return 2 + extended + mask;
    }

    /** The declared payload length; a 64-bit length with the top bit set (invalid) reads as Long.MAX_VALUE. */
    private long declaredLength() {
        int code = header[1] & 0x7F;
        if (code < 126) {
            return code;
        }
        if (code == 126) {
            return ((header[2] & 0xFFL) << 8) | (header[3] & 0xFFL);
        }
        long length = 0;
        for (int b = 2; b < 10; b++) {
            length = (length << 8) | (header[b] & 0xFFL);
        }
        return length < 0 ? Long.MAX_VALUE : length;
    }

    /**
     * The close code for the header just completed, or {@link #PASSES}. The length comes first: a frame
     * over the limit is 1009 whatever its reserved bits (PROTOCOL 13.8).
     */
    private int judge(long declared) {
        boolean fin = (header[0] & 0x80) != 0;
        int reserved = header[0] & RESERVED_BITS;
        int opcode = header[0] & 0x0F;
        boolean data = opcode == TEXT || opcode == BINARY;
        if (data) {
            messageLimit = opcode == TEXT ? maxText : maxBinary;
            messageBytes = 0;
        }
        boolean judged = data || (opcode == CONTINUATION && messageLimit >= 0);
        if (judged && declared > messageLimit - messageBytes) {
            return TOO_BIG;
        }
        if (reserved != 0 && !reservedBitsAllowed(reserved, data)) {
            return PROTOCOL_ERROR;
        }
        if (judged) {
            messageBytes = fin ? 0 : messageBytes + declared;
            if (fin) {
                messageLimit = -1;
            }
        }
        return PASSES;
    }

    /** Whether the connection's extensions let a frame set these reserved bits (RFC 6455 5.2, RFC 7692 6.1). */
    private boolean reservedBitsAllowed(int reserved, boolean firstOfDataMessage) {
        return switch (extensions) {
            case NONE -> false;
            case PERMESSAGE_DEFLATE -> reserved == RSV1 && firstOfDataMessage;
            case OTHER -> true;
        };
    }
}
