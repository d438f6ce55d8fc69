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
            if (bytes > limit) {
                return true;
            }
        }
        return false;
    }
}
