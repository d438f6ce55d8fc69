package io.roomcast.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.List;

/**
 * The one class that names OpenTelemetry: loaded by name ({@link TracerProducer}) only where the server
 * brings the API, so that a server without it never loads it. It uses nothing that OpenTelemetry 1.29
 * (Payara 6's) lacks.
 */
final class OpenTelemetryTracer implements Tracer {

    static final String INSTRUMENTATION = "io.roomcast";
    static final String ROOM = "roomcast.room";

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<String> FROM_VALUE = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of(TraceContext.TRACEPARENT);
        }

        @Override
        public String get(String carrier, String key) {
            return TraceContext.TRACEPARENT.equals(key) ? carrier : null;
        }
    };

    private final io.opentelemetry.api.trace.Tracer tracer;

    /** @param openTelemetry an {@code io.opentelemetry.api.OpenTelemetry} (typed Object: the caller cannot name it) */
    OpenTelemetryTracer(Object openTelemetry) {
        this.tracer = ((OpenTelemetry) openTelemetry).getTracer(INSTRUMENTATION);
    }

    @Override
    public Span start(String name, Kind kind, String parent, int room) {
        var builder = tracer.spanBuilder(name).setSpanKind(switch (kind) {
            case SERVER -> SpanKind.SERVER;
            case PRODUCER -> SpanKind.PRODUCER;
            case CONSUMER -> SpanKind.CONSUMER;
            case INTERNAL -> SpanKind.INTERNAL;
        }).setParent(parent(parent));
        if (room > 0) {
            builder.setAttribute(ROOM, (long) room);
        }
        return new Started(builder.startSpan());
    }

    @Override
    public boolean on() {
        return true;
    }

    /**
     * The server's current span (a JAX-RS request's, say) when it belongs to the trace that {@code traceparent}
     * names or no traceparent came, since it is the nearer parent; else the traceparent's span.
     */
    private static Context parent(String traceparent) {
        Context current = Context.current();
        SpanContext currentSpan = io.opentelemetry.api.trace.Span.fromContext(current).getSpanContext();
        if (!TraceContext.valid(traceparent)) {
            return current;
        }
        Context remote = W3C.extract(Context.root(), traceparent, FROM_VALUE);
        SpanContext remoteSpan = io.opentelemetry.api.trace.Span.fromContext(remote).getSpanContext();
        if (currentSpan.isValid() && currentSpan.getTraceId().equals(remoteSpan.getTraceId())) {
            return current;
        }
        return remote;
    }

    private static final class Started implements Span {
        private static final TextMapSetter<String[]> INTO_ARRAY = (carrier, key, value) -> {
            if (TraceContext.TRACEPARENT.equals(key) && carrier != null) {
                carrier[0] = value;
            }
        };

        private final io.opentelemetry.api.trace.Span span;

        Started(io.opentelemetry.api.trace.Span span) {
            this.span = span;
        }

        @Override
        public String traceparent() {
            if (!span.getSpanContext().isValid()) {
                return null;
            }
            String[] value = new String[1];
            W3C.inject(Context.root().with(span), value, INTO_ARRAY);
            return value[0];
        }

        @Override
        public Span attribute(String key, long value) {
            span.setAttribute(key, value);
            return this;
        }

        @Override
        public void failed(Throwable cause) {
            span.setStatus(StatusCode.ERROR, cause.getClass().getName());
        }

        @Override
        public void end() {
            span.end();
        }
    }
}
