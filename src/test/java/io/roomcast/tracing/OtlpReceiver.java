package io.roomcast.tracing;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP/HTTP trace receiver on loopback: {@code POST /v1/traces} with a protobuf
 * {@code ExportTraceServiceRequest} (gzip or not), decoded with the opentelemetry-proto classes and kept
 * as {@link Received} spans, answered 200 with an empty {@code ExportTraceServiceResponse} as the OTLP
 * specification asks. Anything else is answered 404 or 415 and counted, so a test sees a server that
 * exports to the wrong place.
 */
final class OtlpReceiver implements AutoCloseable {

    /** A span as exported: ids in lower-case hex (the parent's empty for a root), with its resource's service name. */
    record Received(String service, String traceId, String spanId, String parentSpanId, String name,
                    io.opentelemetry.proto.trace.v1.Span.SpanKind kind, Map<String, Object> attributes) {
    }

    private final HttpServer server;
    private final List<Received> spans = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();

    OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** What {@code otel.exporter.otlp.endpoint} names (the exporter appends {@code /v1/traces}). */
    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Received> spans() {
        return List.copyOf(spans);
    }

    /** Requests that were not an OTLP trace export, as "METHOD path content-type". */
    List<String> refused() {
        return List.copyOf(refused);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            if (!"POST".equals(exchange.getRequestMethod()) || !"/v1/traces".equals(exchange.getRequestURI().getPath())
                    || type == null || !type.startsWith("application/x-protobuf")) {
                refused.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " " + type);
                exchange.sendResponseHeaders("/v1/traces".equals(exchange.getRequestURI().getPath()) ? 415 : 404, -1);
                return;
            }
            byte[] body;
            try (InputStream in = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            keep(ExportTraceServiceRequest.parseFrom(body));
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    private void keep(ExportTraceServiceRequest request) {
        for (ResourceSpans resource : request.getResourceSpansList()) {
            String service = String.valueOf(attributes(resource.getResource().getAttributesList()).get("service.name"));
            for (ScopeSpans scope : resource.getScopeSpansList()) {
                for (io.opentelemetry.proto.trace.v1.Span span : scope.getSpansList()) {
                    spans.add(new Received(service, hex(span.getTraceId()), hex(span.getSpanId()),
                            hex(span.getParentSpanId()), span.getName(), span.getKind(),
                            attributes(span.getAttributesList())));
                }
            }
        }
    }

    private static Map<String, Object> attributes(List<KeyValue> values) {
        Map<String, Object> map = new HashMap<>();
        for (KeyValue kv : values) {
            AnyValue v = kv.getValue();
            map.put(kv.getKey(), switch (v.getValueCase()) {
                case INT_VALUE -> v.getIntValue();
                case BOOL_VALUE -> v.getBoolValue();
                case DOUBLE_VALUE -> v.getDoubleValue();
                default -> v.getStringValue();
            });
        }
        return map;
    }

    private static String hex(ByteString bytes) {
        return HexFormat.of().formatHex(bytes.toByteArray());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
