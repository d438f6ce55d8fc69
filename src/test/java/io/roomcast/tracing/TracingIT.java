package io.roomcast.tracing;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.roomcast.testsupport.Launcher;
import io.roomcast.testsupport.LeftoverProcesses;
import io.roomcast.testsupport.PostgresServer;
import io.roomcast.testsupport.Server;
import io.roomcast.testsupport.ServerProcess;
import io.roomcast.testsupport.TargetServer;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WildFlyProcess;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tracing (docs/DEPLOYMENT.md, "Tracing") with a real OTLP receiver ({@link OtlpReceiver}): two instances
 * of the runtime under test on one PostgreSQL ({@code roomcast.store=postgres}, their bus the database's)
 * export their spans to it over OTLP/HTTP, configured by nothing but {@code otel.*} system properties read
 * by MicroProfile Config. One message published on A with a W3C {@code traceparent} (the publish API's
 * header, or the JSON {@code message} frame's field) for a member on B gives one trace: A's publish span
 * under the caller's span, B's fan-out span under A's publish span. A third instance on the same database,
 * with the same {@code otel.*} settings but not {@code otel.sdk.disabled=false}, exports nothing, not even
 * when it stops (when the SDK flushes what it holds). Stopping it comes last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith({LeftoverProcesses.AtEnd.class, PostgresServer.Shared.class})
class TracingIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SERVICE_A = "roomcast-a";
    private static final String SERVICE_B = "roomcast-b";
    private static final String SERVICE_OFF = "roomcast-off";
    private static final SecureRandom RANDOM = new SecureRandom();

    private OtlpReceiver receiver;
    private ServerProcess processA;
    private ServerProcess processB;
    private ServerProcess processOff;
    private Server a;
    private Server b;
    private Server off;

    @BeforeAll
    void startTwoTracedInstancesAndAnUntracedOneOnOneDatabase(PostgresServer db) throws Exception {
        receiver = new OtlpReceiver();
        String runtime = TargetServer.current().name().toLowerCase().replace('_', '-');
        String url = db.createDatabase("tracing_" + runtime.replace('-', '_'));
        Map<String, String> common = new HashMap<>(Map.of(
                "roomcast.store", "postgres",
                "roomcast.store.url", url,
                "roomcast.store.user", PostgresServer.USER,
                "roomcast.jwt.secret", TestTokens.SECRET,
                "roomcast.shutdown.grace", "0"));
        common.putAll(Map.of(
                "otel.traces.exporter", "otlp",
                "otel.metrics.exporter", "none",
                "otel.logs.exporter", "none",
                "otel.exporter.otlp.protocol", "http/protobuf",
                "otel.exporter.otlp.endpoint", receiver.endpoint().toString(),
                "otel.bsp.schedule.delay", "100"));
        processA = start("tracing-a-" + runtime, traced(common, SERVICE_A));
        processB = start("tracing-b-" + runtime, traced(common, SERVICE_B));
        Map<String, String> untraced = new HashMap<>(common);
        untraced.put("otel.service.name", SERVICE_OFF); // otel.sdk.disabled left at its default
        processOff = start("tracing-off-" + runtime, untraced);
        a = new Server(processA.baseUri(), processA.healthUri());
        b = new Server(processB.baseUri(), processB.healthUri());
        off = new Server(processOff.baseUri(), processOff.healthUri());
        await().atMost(WAIT).until(() -> instanceRows(a) == 3 && instanceRows(b) == 3 && instanceRows(off) == 3);
    }

    /**
     * Payara Micro as the tests always run it (its MicroProfile Telemetry is built in); WildFly with the
     * shipped tracing.cli applied after roomcast.cli, as docs/DEPLOYMENT.md says (standalone.xml has no
     * OpenTelemetry).
     */
    private static ServerProcess start(String name, Map<String, String> settings) {
        if (!TargetServer.isWildFly()) {
            return Launcher.start(TargetServer.current(), name, settings);
        }
        Path tracingCli = Path.of(System.getProperty("roomcast.wildflyCli")).resolveSibling("tracing.cli");
        WildFlyProcess.Builder builder = WildFlyProcess.builder(name).cliScript(tracingCli);
        settings.forEach(builder::systemProperty);
        return builder.start();
    }

    private static Map<String, String> traced(Map<String, String> common, String service) {
        Map<String, String> settings = new HashMap<>(common);
        settings.put("otel.sdk.disabled", "false");
        settings.put("otel.service.name", service);
        return settings;
    }

    @AfterAll
    void stopAll() {
        for (ServerProcess process : new ServerProcess[] {processA, processB, processOff}) {
            if (process != null) {
                process.stop();
            }
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    @Order(1)
    void aPublishApiTraceparentGivesOneTraceFromThePublishOnAToTheFanOutOnB() throws Exception {
        int room = 2301;
        Caller caller = Caller.random();
        try (WsClient bob = WsClient.connect(b.ws("ws/realtime"))) {
            join(bob, room);
            awaitMembers(a, room, 1);

            HttpResponse<String> response = a.post("api/rooms/" + room + "/messages", "{\"text\":\"traced over http\"}",
                    Map.of("Authorization", "Bearer " + TestTokens.valid("alice"), "traceparent", caller.traceparent()));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            assertThat(bob.awaitJson(type("message")).getString("text")).isEqualTo("traced over http");

            OtlpReceiver.Received publish = await().atMost(WAIT).until(
                    () -> span(SERVICE_A, "roomcast.publish", caller.traceId()), Optional::isPresent).get();
            assertThat(publish.kind()).isEqualTo(SpanKind.SPAN_KIND_PRODUCER);
            assertThat(publish.attributes()).containsEntry("roomcast.room", (long) room);
            assertThat(ancestors(publish)).as("the publish descends from the caller's span").contains(caller.spanId());

            OtlpReceiver.Received fanOut = await().atMost(WAIT).until(
                    () -> span(SERVICE_B, "roomcast.fanout", caller.traceId()), Optional::isPresent).get();
            assertThat(fanOut.parentSpanId()).as("B's fan-out is a child of A's publish").isEqualTo(publish.spanId());
            assertThat(fanOut.kind()).isEqualTo(SpanKind.SPAN_KIND_CONSUMER);
            assertThat(fanOut.attributes()).containsEntry("roomcast.room", (long) room)
                    .containsEntry("roomcast.members", 1L);
        }
    }

    @Test
    @Order(2)
    void aMessageFrameTraceparentGivesOneFanOutSpanPerRoomDeliveryOnEachInstance() throws Exception {
        int room = 2302;
        Caller caller = Caller.random();
        try (WsClient alice = WsClient.connect(a.ws("ws/realtime"));
             WsClient bob = WsClient.connect(b.ws("ws/realtime"));
             WsClient carol = WsClient.connect(b.ws("ws/realtime"))) {
            join(alice, room);
            join(bob, room);
            join(carol, room);
            awaitMembers(a, room, 3);

            alice.send(tracedMessage(room, "traced frame", "t1", caller));
            assertThat(alice.awaitJson(type("ack")).getString("ref")).isEqualTo("t1");
            assertThat(bob.awaitJson(type("message")).getString("text")).isEqualTo("traced frame");
            assertThat(carol.awaitJson(type("message")).getString("text")).isEqualTo("traced frame");

            OtlpReceiver.Received publish = await().atMost(WAIT).until(
                    () -> span(SERVICE_A, "roomcast.publish", caller.traceId()), Optional::isPresent).get();
            assertThat(publish.parentSpanId()).as("the frame's traceparent is the publish's parent").isEqualTo(caller.spanId());
            await().atMost(WAIT).untilAsserted(() -> {
                List<OtlpReceiver.Received> fanOuts = spans("roomcast.fanout", caller.traceId());
                assertThat(fanOuts).as("one span per room delivery, not per member")
                        .extracting(OtlpReceiver.Received::service).containsExactlyInAnyOrder(SERVICE_A, SERVICE_B);
                assertThat(fanOuts).allSatisfy(f -> assertThat(f.parentSpanId()).isEqualTo(publish.spanId()));
                assertThat(fanOuts).filteredOn(f -> f.service().equals(SERVICE_B))
                        .singleElement().satisfies(f -> assertThat(f.attributes()).containsEntry("roomcast.members", 2L));
            });
        }
    }

    @Test
    @Order(3)
    void aHandshakeWithATraceparentIsASpanOfThatTraceWithItsStatus() throws Exception {
        Caller caller = Caller.random();
        try (WsClient dave = WsClient.connect(b.ws("ws/realtime"), Map.of("traceparent", caller.traceparent()))) {
            dave.awaitJson(type("welcome"));
            OtlpReceiver.Received handshake = await().atMost(WAIT).until(
                    () -> span(SERVICE_B, "roomcast.handshake", caller.traceId()), Optional::isPresent).get();
            assertThat(handshake.parentSpanId()).isEqualTo(caller.spanId());
            assertThat(handshake.kind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
            assertThat(handshake.attributes()).containsEntry("http.response.status_code", 101L);
        }
    }

    @Test
    @Order(4)
    void withTracingOffNothingIsExported() throws Exception {
        int room = 2304;
        Caller untraced = Caller.random();
        Caller fence = Caller.random();
        try (WsClient erin = WsClient.connect(a.ws("ws/realtime"));
             WsClient frank = WsClient.connect(off.ws("ws/realtime"), Map.of("traceparent", untraced.traceparent()))) {
            join(erin, room);
            join(frank, room);
            awaitMembers(off, room, 2);

            // published on the untraced instance, for a member there and one on traced A
            frank.send(tracedMessage(room, "untraced", "u1", untraced));
            assertThat(frank.awaitJson(type("ack")).getString("ref")).isEqualTo("u1");
            assertThat(erin.awaitJson(type("message")).getString("text")).isEqualTo("untraced");
            HttpResponse<String> response = off.post("api/rooms/" + room + "/messages", "{\"text\":\"untraced http\"}",
                    Map.of("Authorization", "Bearer " + TestTokens.valid("frank"), "traceparent", untraced.traceparent()));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            assertThat(erin.awaitJson(type("message")).getString("text")).isEqualTo("untraced http");

            // A fence for A: a traced message after them, seen as A's fan-out; A exports in order of ending
            erin.send(tracedMessage(room, "fence", "f1", fence));
            frank.awaitJson(f -> type("message").test(f) && "fence".equals(f.getString("text")));
            await().atMost(WAIT).until(() -> span(SERVICE_A, "roomcast.fanout", fence.traceId()).isPresent());
        }
        // The fence for the untraced instance: it stops (a traced one flushes its spans then), and is gone.
        processOff.stop();
        assertThat(processOff.isRunning()).isFalse();

        assertThat(receiver.spans()).as("nothing of the untraced instance, nothing of the trace it was given")
                .noneMatch(s -> s.service().equals(SERVICE_OFF) || s.traceId().equals(untraced.traceId()));
        assertThat(receiver.refused()).as("every request the receiver got was an OTLP trace export").isEmpty();
    }

    /** The ids of the span's ancestors among the received spans, nearest first, then the first one not received. */
    private List<String> ancestors(OtlpReceiver.Received span) {
        List<String> ids = new java.util.ArrayList<>();
        String parent = span.parentSpanId();
        while (!parent.isEmpty()) {
            ids.add(parent);
            String id = parent;
            parent = receiver.spans().stream().filter(s -> s.spanId().equals(id)).findFirst()
                    .map(OtlpReceiver.Received::parentSpanId).orElse("");
        }
        return ids;
    }

    private Optional<OtlpReceiver.Received> span(String service, String name, String traceId) {
        return spans(name, traceId).stream().filter(s -> s.service().equals(service)).findFirst();
    }

    private List<OtlpReceiver.Received> spans(String name, String traceId) {
        return receiver.spans().stream().filter(s -> s.name().equals(name) && s.traceId().equals(traceId)).toList();
    }

    /** A caller's span: what a client that traces would send. */
    private record Caller(String traceId, String spanId) {
        static Caller random() {
            byte[] trace = new byte[16];
            byte[] span = new byte[8];
            RANDOM.nextBytes(trace);
            RANDOM.nextBytes(span);
            trace[0] |= 1; // never all zeros
            span[0] |= 1;
            return new Caller(HexFormat.of().formatHex(trace), HexFormat.of().formatHex(span));
        }

        String traceparent() {
            return "00-" + traceId + "-" + spanId + "-01";
        }
    }

    /** A JSON {@code message} frame with a {@code ref} and the caller's {@code traceparent} (PROTOCOL 9.4). */
    private static String tracedMessage(int room, String text, String ref, Caller caller) {
        return "{\"type\":\"message\",\"room\":" + room + ",\"text\":\"" + text + "\",\"ref\":\"" + ref + "\","
                + "\"traceparent\":\"" + caller.traceparent() + "\"}";
    }

    private static JsonObject join(WsClient client, int room) throws Exception {
        client.send("{\"type\":\"join\",\"room\":" + room + "}");
        return client.awaitJson(type("joined"));
    }

    private static void awaitMembers(Server server, int room, int count) {
        await().atMost(WAIT).until(() -> membersOf(server, room) == count);
    }

    private static int instanceRows(Server server) {
        try {
            return server.status().getJsonArray("instances").size();
        } catch (Exception e) {
            return -1;
        }
    }

    private static int membersOf(Server server, int room) {
        try {
            return server.status().getJsonArray("rooms").getValuesAs(JsonObject.class).stream()
                    .filter(r -> r.getInt("room") == room).mapToInt(r -> r.getInt("members")).findFirst().orElse(0);
        } catch (Exception e) {
            return -1;
        }
    }
}
