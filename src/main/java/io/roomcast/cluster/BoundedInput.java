package io.roomcast.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the fields of bytes another instance wrote (a bus event, a kept message), never allocating for
 * a length or a count it read before checking it against what is left: a length larger than the rest of
 * the bytes, or a count of entries that could not fit in them, is malformed (PROTOCOL 13.10), whatever
 * the writer meant. So nothing read here costs more memory than the bytes already received.
 */
final class BoundedInput {

    private final byte[] data;
    private final int end;
    private int position;

    /** The first {@code length} bytes of {@code data}. */
    BoundedInput(byte[] data, int length) {
        if (length < 0 || length > data.length) {
            throw new IllegalArgumentException("length " + length + " of " + data.length + " bytes");
        }
        this.data = data;
        this.end = length;
    }

    BoundedInput(byte[] data) {
        this(data, data.length);
    }

    int remaining() {
        return end - position;
    }

    int unsignedByte() {
        need(1);
        return data[position++] & 0xff;
    }

    boolean bool() {
        int value = unsignedByte();
        if (value > 1) {
            throw new IllegalArgumentException("a boolean of " + value);
        }
        return value == 1;
    }

    int int32() {
        need(4);
        int value = ((data[position] & 0xff) << 24) | ((data[position + 1] & 0xff) << 16)
                | ((data[position + 2] & 0xff) << 8) | (data[position + 3] & 0xff);
        position += 4;
        return value;
    }

    long int64() {
        long high = int32() & 0xffffffffL;
        long low = int32() & 0xffffffffL;
        return (high << 32) | low;
    }

    /** Length-prefixed bytes (a 4-byte length, then that many bytes). */
    byte[] bytes() {
        int length = int32();
        if (length < 0 || length > remaining()) {
            throw new IllegalArgumentException("a length of " + length + " with " + remaining() + " bytes left");
        }
        byte[] bytes = Arrays.copyOfRange(data, position, position + length);
        position += length;
        return bytes;
    }

    /** Length-prefixed UTF-8. */
    String string() {
        int length = int32();
        if (length < 0 || length > remaining()) {
            throw new IllegalArgumentException("a length of " + length + " with " + remaining() + " bytes left");
        }
        String value = new String(data, position, length, StandardCharsets.UTF_8);
        position += length;
        return value;
    }

    /** A present-or-not flag, then the string. */
    String nullableString() {
        return bool() ? string() : null;
    }

    /**
     * A count of entries that each take at least {@code minBytesPerEntry}: refused when that many could
     * not fit in what is left, so that a list sized by it is never larger than the bytes received.
     */
    int count(int minBytesPerEntry) {
        int count = int32();
        if (count < 0 || (long) count * minBytesPerEntry > remaining()) {
            throw new IllegalArgumentException("a count of " + count + " with " + remaining() + " bytes left");
        }
        return count;
    }

    /** Every byte was read: trailing bytes mean the writer and the reader disagree on the format. */
    void end() {
        if (position != end) {
            throw new IllegalArgumentException((end - position) + " unread byte(s)");
        }
    }

    private void need(int bytes) {
        if (remaining() < bytes) {
            throw new IllegalArgumentException("truncated: " + bytes + " byte(s) needed, " + remaining() + " left");
        }
    }
}
