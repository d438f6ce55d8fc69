package io.roomcast.protocol;

import java.util.regex.Pattern;

/**
 * The rules for a stream position and a history limit as a client writes them (PROTOCOL 9.1, 9.2),
 * one set for the JSON frames and the HTTP API: an epoch of 1-32 characters, an offset in 0..2^53-1
 * written as plain digits, a limit in 1..1000.
 */
public final class StreamPositions {

    /** The largest offset a client may send: 2^53-1, the largest integer every JSON reader holds exactly. */
    public static final long MAX_OFFSET = (1L << 53) - 1;
    public static final int MAX_EPOCH_LENGTH = 32;
    public static final int MAX_HISTORY_LIMIT = 1000;
    public static final int DEFAULT_HISTORY_LIMIT = 100;

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,16}");

    private StreamPositions() {
    }

    public static boolean isEpoch(String epoch) {
        return epoch != null && !epoch.isEmpty() && epoch.length() <= MAX_EPOCH_LENGTH;
    }

    /** The offset written as {@code digits}, or -1 when it is not one. */
    public static long offset(String digits) {
        if (digits == null || !DIGITS.matcher(digits).matches()) {
            return -1;
        }
        long offset = Long.parseLong(digits);
        return offset <= MAX_OFFSET ? offset : -1;
    }

    /** The history limit written as {@code digits}, or -1 when it is not one. */
    public static int limit(String digits) {
        int limit = digits == null ? -1 : ClientFrameDecoder.parseId(digits);
        return limit >= 1 && limit <= MAX_HISTORY_LIMIT ? limit : -1;
    }
}
