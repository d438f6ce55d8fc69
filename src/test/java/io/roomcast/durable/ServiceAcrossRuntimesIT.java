package io.roomcast.durable;

import static io.roomcast.testsupport.Rooms.instanceRows;
import static io.roomcast.testsupport.Rooms.membersIfAnswering;
import static io.roomcast.testsupport.StreamClients.join;
import static io.roomcast.testsupport.WsClient.presence;
import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.testsupport.Launcher;
import io.roomcast.testsupport.LeftoverProcesses;
import io.roomcast.testsupport.PostgresServer;
import io.roomcast.testsupport.Rooms;
import io.roomcast.testsupport.Server;
import io.roomcast.testsupport.ServerProcess;
import io.roomcast.testsupport.TargetServer;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One Payara Micro and one WildFly on one PostgreSQL ({@code roomcast.store=postgres}) are one service
 * with no other engine (PROTOCOL 14): a room's messages reach both sides with the same epochs and
 * offsets, in order, none missing or twice; presence and {@code /api/status} are service-wide; binary
 * relays of any size cross (the large ones through {@code roomcast_bus_event}); and when
 * one server is killed (SIGKILL of its own PID), its members leave the other's rooms within the lease.
 * The kill comes last.
 *
 * <p>It starts both runtimes itself, so it runs in one pass of the suite only: the WildFly pass
 * ({@code -Pwildfly}), the one where WildFly is unpacked ({@code wildfly.home}); Payara Micro is there
 * in every pass. The Payara Micro pass skips it, so {@code mvn verify} without {@code -Pwildfly} does
 * not run it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith({LeftoverProcesses.AtEnd.class, PostgresServer.Shared.class})
// TargetServer.isWildFly(), decided before anything starts (not even the shared database)
@EnabledIfSystemProperty(named = "roomcast.runtime", matches = "wildfly",
        disabledReason = "the mixed pair runs in the WildFly pass (-Pwildfly) only")
class ServiceAcrossRuntimesIT {

    /** {@code roomcast.store.lease}: an instance that dies is gone for the others within about this. */
    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final Duration SERVICE_WAIT = Duration.ofSeconds(60);

    private ServerProcess payaraProcess;
    private ServerProcess wildflyProcess;
    private Server payara;
    private Server wildfly;

    @BeforeAll
    void startOnePayaraMicroAndOneWildFlyOnOneDatabase(PostgresServer db) {
        String url = db.createDatabase("service_across_runtimes");
        Map<String, String> settings = Map.of(
                "roomcast.store", "postgres",
                "roomcast.store.url", url,
                "roomcast.store.user", PostgresServer.USER,
                "roomcast.store.lease", Long.toString(LEASE.toSeconds()),
                "roomcast.jwt.secret", TestTokens.SECRET,
                "roomcast.heartbeat.interval", "2",
                "roomcast.heartbeat.timeout", "30",
                "roomcast.shutdown.grace", "0"); // stopped at the end: no drain to wait for
        payaraProcess = Launcher.start(TargetServer.PAYARA_MICRO, "pg-service-payara", settings);
        wildflyProcess = Launcher.start(TargetServer.WILDFLY, "pg-service-wildfly", settings);
        payara = new Server(payaraProcess.baseUri());
        wildfly = new Server(wildflyProcess.baseUri(), wildflyProcess.healthUri());
        await().atMost(SERVICE_WAIT).until(() -> instanceRows(payara) == 2 && instanceRows(wildfly) == 2);
    }

    @AfterAll
    void stopBoth() {
        for (ServerProcess process : new ServerProcess[] {payaraProcess, wildflyProcess}) {
            if (process != null) {
                process.stop();
            }
        }
    }

    @Test
    @Order(1)
    void bothRuntimesDeliverARoomsMessagesWithTheSameEpochsAndOffsetsNoneMissingOrTwice() throws Exception {
        int room = 701;
        int perSender = 30;
        try (WsClient alice = WsClient.connect(payara.ws("ws/realtime"));
             WsClient bob = WsClient.connect(wildfly.ws("ws/realtime"))) {
            join(alice, room);
            join(bob, room);
            awaitMembersEverywhere(room, 2);

            for (int i = 0; i < perSender; i++) {
                alice.send("{\"type\":\"message\",\"room\":" + room + ",\"text\":\"a" + i + "\",\"ref\":\"a" + i + "\"}");
                bob.send("{\"type\":\"message\",\"room\":" + room + ",\"text\":\"b" + i + "\",\"ref\":\"b" + i + "\"}");
            }

            List<String> seenByAlice = places(messagesAndAcks(alice, 2 * perSender, perSender), perSender);
            List<String> seenByBob = places(messagesAndAcks(bob, 2 * perSender, perSender), perSender);
            assertThat(seenByBob).as("the same (epoch, offset, text) on both runtimes").isEqualTo(seenByAlice);
            assertThat(alice.framesBeforePong()).as("nothing twice").noneMatch(f -> f.contains("\"message\""));
            assertThat(bob.framesBeforePong()).as("nothing twice").noneMatch(f -> f.contains("\"message\""));
        }
    }

    @Test
    @Order(2)
    void presenceAndMemberCountsAreServiceWideAcrossRuntimes() throws Exception {
        int room = 702;
        try (WsClient dave = WsClient.connect(payara.ws("ws/realtime"));
             WsClient carol = WsClient.connect(wildfly.ws("ws/realtime"))) {
            String daveName = dave.awaitJson(type("welcome")).getString("user");
            String carolName = carol.awaitJson(type("welcome")).getString("user");
            assertThat(carolName).as("guest names are unique across the service").isNotEqualTo(daveName);
            assertThat(join(dave, room).getInt("members")).isEqualTo(1);
            awaitMembersEverywhere(room, 1);

            assertThat(join(carol, room).getInt("members")).isEqualTo(2);
            assertThat(dave.awaitJson(presence("join", carolName)).getInt("members")).isEqualTo(2);
            awaitMembersEverywhere(room, 2);

            carol.send("{\"type\":\"leave\",\"room\":" + room + "}");
            carol.awaitJson(type("left"));
            assertThat(dave.awaitJson(presence("leave", carolName)).getInt("members")).isEqualTo(1);
            awaitMembersEverywhere(room, 1);
        }
    }

    @Test
    @Order(3)
    void statusHasARowPerInstanceOnBothRuntimes() throws Exception {
        int room = 703;
        try (WsClient a = WsClient.connect(payara.ws("ws/chat/" + room));
             WsClient b = WsClient.connect(wildfly.ws("ws/chat/" + room));
             WsClient c = WsClient.connect(wildfly.ws("ws/chat/" + room))) {
            awaitMembersEverywhere(room, 3);
            await().atMost(SERVICE_WAIT).untilAsserted(() -> {
                for (Server server : List.of(payara, wildfly)) {
                    JsonObject body = server.status();
                    List<JsonObject> rows = body.getJsonArray("instances").getValuesAs(JsonObject.class);
                    assertThat(rows).hasSize(2);
                    int sum = rows.stream().mapToInt(r -> r.getInt("connections")).sum();
                    assertThat(body.getInt("connections")).isEqualTo(sum);
                    assertThat(rows).allSatisfy(r -> assertThat(r.getInt("connections")).isPositive());
                    assertThat(sum).isGreaterThanOrEqualTo(3);
                }
            });
        }
    }

    @Test
    @Order(4)
    void binaryFramesReachTheOtherRuntimesChatMembersWholeSmallOnesInTheNotificationLargeOnesThroughTheTable()
            throws Exception {
        int room = 705;
        byte[] small = new byte[100];
        byte[] large = new byte[20_000]; // over 8,000 bytes of payload even before base64: stored, the NOTIFY has its id
        new java.util.Random(705).nextBytes(small);
        new java.util.Random(7050).nextBytes(large);
        try (WsClient sender = WsClient.connect(payara.ws("ws/chat/" + room));
             WsClient receiver = WsClient.connect(wildfly.ws("ws/chat/" + room))) {
            awaitMembersEverywhere(room, 2);

            sender.sendBinary(small);
            sender.sendBinary(large);

            assertThat(bytes(receiver.nextBinary())).isEqualTo(small);
            assertThat(bytes(receiver.nextBinary())).isEqualTo(large);
        }
    }

    @Test
    @Order(5)
    void whenOneServerIsKilledItsMembersLeaveTheOthersRoomsWithinTheLease() throws Exception {
        int room = 704;
        try (WsClient watcher = WsClient.connect(payara.ws("ws/realtime"))) {
            join(watcher, room);
            WsClient doomed = WsClient.connect(wildfly.ws("ws/realtime"));
            String doomedName = doomed.awaitJson(type("welcome")).getString("user");
            join(doomed, room);
            watcher.awaitJson(presence("join", doomedName));
            awaitMembersEverywhere(room, 2);

            wildflyProcess.kill();

            // The lease runs out, then the next renewal (a third of a lease later) finds it gone; the
            // wait allows for two busy cores.
            JsonObject left = watcher.awaitJson(presence("leave", doomedName), LEASE.multipliedBy(5));
            assertThat(left.getInt("members")).isEqualTo(1);
            doomed.close();
            assertThat(instanceRows(payara)).isEqualTo(1);
            assertThat(membersIfAnswering(payara, room)).isEqualTo(1);

            // The survivor still publishes: the database, not a majority of instances, is the authority.
            watcher.send("{\"type\":\"message\",\"room\":" + room + ",\"text\":\"alone\",\"ref\":\"w1\"}");
            assertThat(watcher.awaitJson(type("ack")).getString("ref")).isEqualTo("w1");
        }
    }

    /**
     * Reads frames until {@code messages} room messages and {@code acks} acks came, and checks that each
     * ack names the offset its message got; returns the messages.
     */
    private static List<JsonObject> messagesAndAcks(WsClient client, int messages, int acks) {
        List<JsonObject> received = new ArrayList<>();
        List<JsonObject> acked = new ArrayList<>();
        while (received.size() < messages || acked.size() < acks) {
            JsonObject frame = client.awaitJson(f -> type("message").test(f) || type("ack").test(f), SERVICE_WAIT);
            (type("message").test(frame) ? received : acked).add(frame);
        }
        for (JsonObject ack : acked) {
            long offset = ack.getJsonNumber("offset").longValue();
            assertThat(received).as("ack %s", ack).anySatisfy(m -> {
                assertThat(m.getJsonNumber("offset").longValue()).isEqualTo(offset);
                assertThat(m.getString("text")).isEqualTo(ack.getString("ref")); // each text is its own ref
            });
        }
        return received;
    }

    /**
     * The messages as "epoch offset text", after checking them: one epoch, offsets consecutive from 1,
     * each sender's texts in the order sent.
     */
    private static List<String> places(List<JsonObject> messages, int perSender) {
        List<String> places = new ArrayList<>();
        String epoch = messages.get(0).getString("epoch");
        for (int i = 0; i < messages.size(); i++) {
            JsonObject m = messages.get(i);
            assertThat(m.getString("epoch")).isEqualTo(epoch);
            assertThat(m.getJsonNumber("offset").longValue()).as("offset of %s", m).isEqualTo(i + 1);
            places.add(epoch + " " + (i + 1) + " " + m.getString("text"));
        }
        for (String sender : List.of("a", "b")) {
            List<String> own = messages.stream().map(m -> m.getString("text")).filter(t -> t.startsWith(sender)).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perSender; i++) {
                expected.add(sender + i);
            }
            assertThat(own).isEqualTo(expected);
        }
        return places;
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private void awaitMembersEverywhere(int room, int count) {
        Rooms.awaitMembersOnEach(SERVICE_WAIT, room, count, payara, wildfly);
    }
}
