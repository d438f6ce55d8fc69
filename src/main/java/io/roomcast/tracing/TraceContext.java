package io.roomcast.tracing;

import java.util.regex.Pattern;

/** The W3C Trace Context {@code traceparent} value (https://www.w3.org/TR/trace-context/#traceparent-header). */
public final class TraceContext {

    /** The header and the JSON {@code message} frame's field (PROTOCOL 9.4). */
    public static final String TRACEPARENT = "traceparent";
    /** {@code 00-<trace-id>-<parent-id>-<flags>}: 55 characters. */
    public static final int LENGTH = 55;

    private static final Pattern VERSION_00 = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_SPAN = "0".repeat(16);

    private TraceContext() {
    }

    /** A version-00 traceparent with a trace id and a parent id that are not all zeros. */
    public static boolean valid(String traceparent) {
        return traceparent != null && traceparent.length() == LENGTH && VERSION_00.matcher(traceparent).matches()
                && !traceparent.regionMatches(3, ZERO_TRACE, 0, 32) && !traceparent.regionMatches(36, ZERO_SPAN, 0, 16);
    }

    /** The value if {@link #valid}, else null: W3C says an unparsable header is ignored, never refused. */
    public static String orNull(String traceparent) {
        return valid(traceparent) ? traceparent : null;
    }
}
