package io.roomcast.platform;

import java.io.ByteArrayOutputStream;

/**
 * Judges the client's WebSocket frames (RFC 6455 5.2) from their headers, on the raw byte stream, before
 * the container parses them: a data frame whose header declares more payload than
 * {@code roomcast.limits.max-text} (text) or {@code max-binary} (binary; for a continuation frame, the
 * message so far plus this frame) ends the connection with 1009 at once. Neither container does this:
 * Tyrus and Undertow both wait for a declared payload to arrive (and count it as it comes), so a header
 * declaring 2^62 bytes followed by nothing held a session open until the heartbeat timeout.
 *
 * <p>Bytes pass through unchanged, except that a frame header is held back until it is complete and
 * judged (at most 14 bytes). A refused header is never passed on; in its place the guard passes a
 * close frame 1009 "frame too big" as if the client had sent it, and drops every later byte. The
 * container then does what it does for any client close: it answers with the same close code (so the
 * client reads 1009), tells the endpoint ({@code @OnClose}, which removes the connection) and closes the
 * TCP connection. The guard needs no hook into the container's session for that.
 *
 * <p>Compressed frames (RSV1 set, permessage-deflate) are passed on: their declared length is not the
 * message's length, and the application's own check after inflation judges them. Control frames and
 * unknown opcodes are the container's business. Not thread-safe: one reader per connection.
 */
public final class FrameHeaderGuard {

    /** The close frame passed on in place of a refused header: FIN+close, masked with a zero key, code 1009. */
    static final byte[] CLOSE_TOO_BIG = {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xF1};

    private static final int CONTINUATION = 0x0;
    private static final int TEXT = 0x1;
    private static final int BINARY = 0x2;

    private final long maxText;
    private final long maxBinary;
    private final Runnable onRefused;

    private final byte[] header = new byte[14];
    private int headerLength;
    private long payloadRemaining;
    /** The limit of the message in progress (its first frame's opcode) and its bytes so far. */
    private long messageLimit = -1;
    private long messageBytes;
    private boolean refused;

    /**
     * @param onRefused run once when a header is refused (for the log); must not block
     */
    public FrameHeaderGuard(long maxText, long maxBinary, Runnable onRefused) {
        this.maxText = maxText;
        this.maxBinary = maxBinary;
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
            if (tooBig(declared)) {
                refused = true;
                out.write(CLOSE_TOO_BIG, 0, CLOSE_TOO_BIG.length);
                onRefused.run();
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

    private boolean tooBig(long declared) {
        boolean fin = (header[0] & 0x80) != 0;
        boolean compressed = (header[0] & 0x40) != 0;
        int opcode = header[0] & 0x0F;
        long limit;
        if (opcode == TEXT || opcode == BINARY) {
            limit = opcode == TEXT ? maxText : maxBinary;
            messageLimit = compressed ? -1 : limit;
            messageBytes = 0;
        } else if (opcode == CONTINUATION && messageLimit >= 0) {
            limit = messageLimit;
        } else {
            return false; // control frame, unknown opcode, or the continuation of a compressed message
        }
        if (compressed || messageLimit < 0) {
            return false;
        }
        if (declared > limit - messageBytes) {
            return true;
        }
        messageBytes = fin ? 0 : messageBytes + declared;
        if (fin) {
            messageLimit = -1;
        }
        return false;
    }
}
