package io.roomcast.tracing;

/**
 * One span of Roomcast's own, started by {@link Tracer#start}. {@link #NONE} is what every start gives
 * when tracing is off: it records nothing and carries nothing, so the code around it costs a call.
 */
public interface Span {

    Span NONE = new Span() {
        @Override
        public String traceparent() {
            return null;
        }

        @Override
        public Span attribute(String key, long value) {
            return this;
        }

        @Override
        public void failed(Throwable cause) {
        }

        @Override
        public void end() {
        }
    };

    /**
     * This span as a W3C {@code traceparent} (version 00): what a message carries through its room's
     * stream and across instances, so that the spans of its fan-outs are this span's children; null when
     * nothing is traced.
     */
    String traceparent();

    Span attribute(String key, long value);

    /** Marks the span as failed (the exception's class, never its message: it may hold a user's text). */
    void failed(Throwable cause);

    void end();
}
