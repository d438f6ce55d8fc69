package io.roomcast.logging;

/**
 * What a log line quotes from a client (a path, a user name, a token's {@code kid}, a close reason,
 * an error message that may repeat any of these) made safe for the log (PROTOCOL 13.9): a client must
 * not be able to start a forged log line, hide text with terminal escapes or bidi overrides, or fill
 * the log with one value. Control characters, line and paragraph separators, Unicode format characters
 * (bidi overrides, zero-width characters) and unpaired surrogates become {@code \\uXXXX} ({@code \\n},
 * {@code \\r}, {@code \\t} for the usual ones), a backslash is doubled so the escapes are unambiguous,
 * and anything beyond {@value #MAX_CHARS} characters is cut, saying how much was.
 */
public final class LogText {

    /** As long as the longest {@code sub} a token may have: a longer value is cut. */
    public static final int MAX_CHARS = 256;

    private LogText() {
    }

    /** The value as it may appear in a log line; {@code null} stays {@code "null"}. */
    public static String escape(Object value) {
        String text = String.valueOf(value);
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 16);
        int i = 0;
        while (i < text.length() && i < MAX_CHARS) {
            int codePoint = text.codePointAt(i);
            int length = Character.charCount(codePoint);
            switch (codePoint) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (unsafe(codePoint)) {
                        for (char c : Character.toChars(codePoint)) {
                            out.append(String.format("\\u%04X", (int) c));
                        }
                    } else {
                        out.appendCodePoint(codePoint);
                    }
                }
            }
            i += length;
        }
        if (i < text.length()) {
            out.append("...(").append(text.length() - i).append(" more chars)");
        }
        return out.toString();
    }

    /** Characters that could forge, hide or reorder log text (an unpaired surrogate reads as SURROGATE). */
    private static boolean unsafe(int codePoint) {
        int type = Character.getType(codePoint);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }
}
