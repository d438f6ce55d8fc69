package io.roomcast.connection;

/** Frame-size arithmetic for the text limit, which is in UTF-8 bytes while Java strings count chars. */
public final class FrameSize {

    private FrameSize() {
    }

    /** Whether the UTF-8 encoding of the text is longer than the limit, without encoding it. */
    public static boolean utf8LengthExceeds(String text, int limit) {
        int length = text.length();
        if (length > limit) {
            return true;
        }
        if ((long) length * 3 <= limit) {
            return false; // no char takes more than three bytes (a surrogate pair takes four for two chars)
        }
        return utf8Length(text, limit) > limit;
    }

    /** The length of the text's UTF-8 encoding, without encoding it. */
    public static long utf8Length(String text) {
        return utf8Length(text, Long.MAX_VALUE);
    }

    /** The UTF-8 length, counting stopped as soon as it passes {@code stopAbove}. */
    private static long utf8Length(String text, long stopAbove) {
        int length = text.length();
        long bytes = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
            if (bytes > stopAbove) {
                break;
            }
        }
        return bytes;
    }
}
