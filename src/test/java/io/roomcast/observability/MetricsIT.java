package io.roomcast.observability;

import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.PrometheusText;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.StreamClients;
import io.roomcast.testsupport.TargetServer;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The figures of docs/OPERATIONS.md on a running server: both metrics endpoints parse as strict
 * Prometheus text, every documented figure is there with its documented type, and the histograms move
 * with real traffic. The class's traffic is the only traffic on its server (one class of a profile at a
 * time: docs/TESTING.md), so a figure's change is this test's doing.
 */
class MetricsIT extends DeployedRoomcast {

    /** The labels MicroProfile Metrics adds on {@code /metrics}, which {@code /api/metrics} does not carry. */
    private static final Set<String> MP_LABELS = Set.of("mp_scope", "mp_app");
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A row of the table in docs/OPERATIONS.md. */
    record Documented(String name, String type, boolean onMicroProfileMetrics) {
    }

    static List<Documented> documented() throws Exception {
        Pattern row = Pattern.compile("^\\| `(roomcast_[a-z_]+)` \\| (counter|gauge|histogram) \\|.*\\| (yes|no) \\|$");
        List<Documented> rows = Files.readAllLines(Path.of("docs/OPERATIONS.md")).stream()
                .map(row::matcher).filter(Matcher::matches)
                .map(m -> new Documented(m.group(1), m.group(2), m.group(3).equals("yes"))).toList();
        assertThat(rows).as("the table of docs/OPERATIONS.md").hasSizeGreaterThanOrEqualTo(17);
        return rows;
    }

    private PrometheusText apiMetrics() throws Exception {
        HttpResponse<String> response = server.get("api/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                contentType -> assertThat(contentType).startsWith("text/plain").contains("version=0.0.4"));
        return PrometheusText.parse(response.body());
    }

    /**
     * MicroProfile Metrics' application scope, where Roomcast's figures are. Not the whole {@code /metrics}:
     * Payara's own vendor scope is not strict text (it writes some samples twice, e.g. its H2 pool's).
     */
    private PrometheusText microProfileMetrics() throws Exception {
        HttpResponse<String> response = server.get("/metrics?scope=application", Map.of("Accept", "text/plain"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return PrometheusText.parse(response.body());
    }

    private double count(String histogram) throws Exception {
        return apiMetrics().family(histogram).value(histogram + "_count", Map.of(), Set.of());
    }

    private double sum(String histogram) throws Exception {
        return apiMetrics().family(histogram).value(histogram + "_sum", Map.of(), Set.of());
    }

    @Test
    void apiMetricsHasEveryDocumentedFigureWithItsDocumentedType() throws Exception {
        try (WsClient chat = WsClient.connect(server.ws("ws/chat/23101"))) {
            chat.send("traffic, so that the histograms have values");
            chat.nextText();
            PrometheusText text = apiMetrics();
            for (Documented figure : documented()) {
                assertThat(text.family(figure.name()).type()).as(figure.name()).isEqualTo(figure.type());
                assertThat(text.family(figure.name()).help()).as(figure.name() + "'s HELP").isNotBlank();
            }
            assertThat(text.families().keySet()).as("every figure served is documented")
                    .containsExactlyInAnyOrderElementsOf(documented().stream().map(Documented::name).toList());
            assertThat(text.family("roomcast_handshake_failures_total").samples())
                    .as("one series per handshake error code").allSatisfy(
                            sample -> assertThat(sample.labels()).containsOnlyKeys("code"));
        }
    }

    @Test
    void metricsEndpointHasTheDocumentedCountersAndGaugesUnderTheSameNamesAndTypes() throws Exception {
        assumeFalse(TargetServer.isWildFly(), "WildFly 38 has no MicroProfile Metrics at all (Micrometer replaced "
                + "it), so no /metrics with application figures: docs/DEPLOYMENT.md says so and what to scrape");
        assertThat(RawWebSocket.handshake(server.ws("ws/chat/0"), Map.of()).status()).isEqualTo(400);
        try (WsClient chat = WsClient.connect(server.ws("ws/chat/23102"))) {
            chat.send("counted");
            chat.nextText();
            PrometheusText mp = microProfileMetrics();
            PrometheusText api = apiMetrics();
            for (Documented figure : documented()) {
                if (figure.onMicroProfileMetrics()) {
                    assertThat(mp.family(figure.name()).type()).as(figure.name()).isEqualTo(figure.type())
                            .isEqualTo(api.family(figure.name()).type());
                    assertThat(mp.family(figure.name()).samples()).as(figure.name()).allSatisfy(sample ->
                            assertThat(sample.labels()).containsEntry("mp_scope", "application"));
                } else {
                    assertThat(mp.families()).as(figure.name() + " is documented as /api/metrics only")
                            .doesNotContainKey(figure.name());
                }
            }
            assertThat(mp.family("roomcast_handshake_failures_total")
                    .value("roomcast_handshake_failures_total", Map.of("code", "invalid_parameter"), MP_LABELS))
                    .isPositive();
            assertThat(mp.family("roomcast_messages_in_total")
                    .value("roomcast_messages_in_total", Map.of(), MP_LABELS)).isPositive();
            assertThat(mp.family("roomcast_connections").value("roomcast_connections", Map.of(), MP_LABELS))
                    .isPositive();
            // The whole of /metrics has them too, beside the server's own figures.
            assertThat(server.get("/metrics", Map.of("Accept", "text/plain")).body())
                    .containsPattern("(?m)^# TYPE roomcast_messages_out_total counter$")
                    .containsPattern("(?m)^roomcast_messages_out_total\\{mp_scope=\"application\"} [0-9.]+$")
                    .containsPattern("(?m)^# TYPE roomcast_rooms gauge$");
        }
    }

    @Test
    void aJsonPublishWithARefAddsOneToThePublishAckCount() throws Exception {
        StreamClients clients = new StreamClients(server);
        try (WsClient alice = clients.json("alice-23103")) {
            StreamClients.join(alice, 23103);
            double before = count("roomcast_publish_ack_seconds");
            double sumBefore = sum("roomcast_publish_ack_seconds");
            StreamClients.send(alice, 23103, "no ref: no ack, not counted", null);
            alice.awaitJson(type("message"));
            StreamClients.send(alice, 23103, "acknowledged", "r1");
            alice.awaitJson(type("ack"));
            await().atMost(WAIT).untilAsserted(() -> assertThat(count("roomcast_publish_ack_seconds"))
                    .as("the ack is recorded once it was queued; the publish without a ref is not")
                    .isEqualTo(before + 1));
            assertThat(sum("roomcast_publish_ack_seconds")).isGreaterThan(sumBefore);
        }
    }

    @Test
    void anHttpPublishAddsOneToThePublishAckCount() throws Exception {
        double before = count("roomcast_publish_ack_seconds");
        new StreamClients(server).published("backend-23104", 23104, "from the back end");
        assertThat(count("roomcast_publish_ack_seconds")).as("recorded before the 202 was answered")
                .isEqualTo(before + 1);
    }

    @Test
    void aHandshakeAddsOneToTheHandshakeTimeCount() throws Exception {
        double before = count("roomcast_handshake_seconds");
        try (WsClient chat = WsClient.connect(server.ws("ws/chat/23105"))) {
            assertThat(chat.isOpen()).isTrue();
            assertThat(count("roomcast_handshake_seconds")).isEqualTo(before + 1);
        }
        assertThat(RawWebSocket.handshake(server.ws("ws/chat/0"), Map.of()).status()).isEqualTo(400);
        assertThat(count("roomcast_handshake_seconds")).as("a refused handshake is decided too")
                .isEqualTo(before + 2);
    }

    @Test
    void aJoinWithSinceThatReplaysMessagesAddsTheirNumberToTheRecoverySize() throws Exception {
        StreamClients clients = new StreamClients(server);
        int room = 23106;
        try (WsClient bob = clients.json("bob-23106")) {
            JsonObject joined = StreamClients.join(bob, room);
            String epoch = joined.getString("epoch");
            long latest = joined.getJsonNumber("offset").longValue();
            for (int i = 1; i <= 5; i++) {
                clients.published("carol-23106", room, "missed " + i);
            }
            double count = count("roomcast_recovery_messages");
            double sum = sum("roomcast_recovery_messages");
            try (WsClient again = clients.json("bob-23106")) {
                JsonObject recovered = StreamClients.joinSince(again, room, epoch, latest + 2);
                assertThat(recovered.getBoolean("recovered")).isTrue();
                assertThat(recovered.getJsonNumber("missed").longValue()).isEqualTo(3);
                for (long offset = latest + 3; offset <= latest + 5; offset++) {
                    again.awaitJson(StreamClients.message(offset));
                }
            }
            assertThat(count("roomcast_recovery_messages")).isEqualTo(count + 1);
            assertThat(sum("roomcast_recovery_messages")).as("the three messages replayed").isEqualTo(sum + 3);
            assertThat(apiMetrics().family("roomcast_recovery_messages")
                    .value("roomcast_recovery_messages_bucket", Map.of("le", "1"), Set.of()))
                    .as("3 is above the bucket le=1").isLessThanOrEqualTo(count);
        }
    }

    @Test
    void framesQueuedToMembersAreCountedInTheSendQueueDepth() throws Exception {
        try (WsClient first = WsClient.connect(server.ws("ws/chat/23107"));
             WsClient second = WsClient.connect(server.ws("ws/chat/23107"))) {
            io.roomcast.testsupport.Rooms.awaitMembers(server, 23107, 2);
            double before = count("roomcast_send_queue_depth");
            first.send("to both");
            first.nextText();
            second.nextText();
            assertThat(count("roomcast_send_queue_depth")).as("one frame queued for each member")
                    .isGreaterThanOrEqualTo(before + 2);
        }
    }

    @Test
    void bothEndpointsParseStrictlyAfterTraffic() throws Exception {
        Map<String, String> types = new LinkedHashMap<>();
        apiMetrics().families().forEach((name, family) -> types.put(name, family.type()));
        assertThat(types).containsEntry("roomcast_messages_in_total", "counter")
                .containsEntry("roomcast_connections", "gauge")
                .containsEntry("roomcast_send_queue_depth", "histogram");
        if (!TargetServer.isWildFly()) {
            assertThat(microProfileMetrics().families()).containsKey("roomcast_messages_in_total");
        } else {
            assertThat(server.get("/metrics").statusCode()).as("no MicroProfile Metrics on WildFly's HTTP port")
                    .isEqualTo(404);
        }
    }
}
