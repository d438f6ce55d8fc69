package io.roomcast.tracing;

/**
 * Starts Roomcast's spans (docs/DEPLOYMENT.md, "Tracing"). Injected as a CDI bean
 * ({@link TracerProducer}): {@link #OFF} unless the server brings the OpenTelemetry API and
 * {@code otel.sdk.disabled=false}, so that with tracing off every hook is a call that returns
 * {@link Span#NONE}.
 */
public interface Tracer {

    /** What a span stands for, as OpenTelemetry's span kinds. */
    enum Kind {
        /** Roomcast answers a request: a publish, a handshake. */
        SERVER,
        /** Roomcast puts a message into a room: a publish, whose fan-outs are its consumers. */
        PRODUCER,
        /** Roomcast delivers what a publish produced: a room's fan-out. */
        CONSUMER,
        INTERNAL
    }

    Tracer OFF = new Tracer() {
        @Override
        public Span start(String name, Kind kind, String parent, int room) {
            return Span.NONE;
        }

        @Override
        public boolean on() {
            return false;
        }
    };

    /**
     * Starts a span. {@code parent} is a W3C {@code traceparent} (from a client, or carried by a message),
     * null or unparsable for none: then the span is a child of the server's current span if there is one
     * (e.g. the JAX-RS request's), else the root of a new trace.
     *
     * @param room the room it is about ({@code roomcast.room}), 0 for none
     */
    Span start(String name, Kind kind, String parent, int room);

    boolean on();
}
