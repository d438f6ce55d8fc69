package io.roomcast.platform;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One complete, unfragmented server-to-client frame (RFC 6455 5.2), encoded once: the header and
 * the payload in one array, so every member of a room is written the same bytes. Server frames are not
 * masked, so those bytes do not depend on the connection. Immutable: each write takes its own
 * {@link ByteBuffer} over the shared array, and no writer ever changes the array.
 *
 * <p>Tyrus writes the whole frame ({@link #frame()}); Undertow frames the message itself and is given
 * the payload alone ({@link #payload()}), read from the same array.
 */
public final class WireFrame {

    static final int OPCODE_TEXT = 0x1;
    static final int OPCODE_BINARY = 0x2;
    static final int OPCODE_PING = 0x9;
    private static final int FIN = 0x80;

    /** The heartbeat's ping, empty: two constant bytes shared by every session and every round. */
    public static final WireFrame PING = of(OPCODE_PING, new byte[0]);

    private final byte[] bytes;
    private final int headerLength;
    private final int opcode;

    private WireFrame(byte[] bytes, int headerLength, int opcode) {
        this.bytes = bytes;
        this.headerLength = headerLength;
        this.opcode = opcode;
    }

    /** A text frame: the text's UTF-8 encoding (as {@link String#getBytes}, which is what Undertow sends too). */
    public static WireFrame text(String text) {
        return of(OPCODE_TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A binary frame of the buffer's remaining bytes; the buffer itself is not moved. */
    public static WireFrame binary(ByteBuffer payload) {
        ByteBuffer view = payload.duplicate();
        byte[] copy = new byte[view.remaining()];
        view.get(copy);
        return of(OPCODE_BINARY, copy);
    }

    private static WireFrame of(int opcode, byte[] payload) {
        int length = payload.length;
        int headerLength = headerLength(length);
        byte[] bytes = new byte[headerLength + length];
        bytes[0] = (byte) (FIN | opcode);
        if (length <= 125) {
            bytes[1] = (byte) length;
        } else if (length <= 0xFFFF) {
            bytes[1] = 126;
            bytes[2] = (byte) (length >>> 8);
            bytes[3] = (byte) length;
        } else {
            bytes[1] = 127;
            long l = length;
            for (int i = 0; i < 8; i++) {
                bytes[2 + i] = (byte) (l >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, bytes, headerLength, length);
        return new WireFrame(bytes, headerLength, opcode);
    }

    /** 2 bytes, plus 2 for a 16-bit extended length (126..65535), or 8 for a 64-bit one. */
    static int headerLength(int payloadLength) {
        return payloadLength <= 125 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
    }

    public boolean isText() {
        return opcode == OPCODE_TEXT;
    }

    public boolean isPing() {
        return opcode == OPCODE_PING;
    }

    /** Header and payload: the bytes on the wire. */
    public int length() {
        return bytes.length;
    }

    public int payloadLength() {
        return bytes.length - headerLength;
    }

    /** A fresh buffer over the whole frame (header and payload). Not read-only, so writers see its array; never written. */
    public ByteBuffer frame() {
        return ByteBuffer.wrap(bytes);
    }

    /** A fresh buffer over the payload alone. */
    public ByteBuffer payload() {
        return ByteBuffer.wrap(bytes, headerLength, bytes.length - headerLength).slice();
    }

    /** Copies the whole frame into {@code target} at its position, for writing several frames as one. */
    void copyTo(ByteBuffer target) {
        target.put(bytes);
    }
}
