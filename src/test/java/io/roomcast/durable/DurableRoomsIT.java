package io.roomcast.durable;

import static io.roomcast.testsupport.StreamClients.join;
import static io.roomcast.testsupport.StreamClients.joinSince;
import static io.roomcast.testsupport.StreamClients.message;
import static io.roomcast.testsupport.StreamClients.offset;
import static io.roomcast.testsupport.StreamClients.send;
import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.testsupport.Launcher;
import io.roomcast.testsupport.LeftoverProcesses;
import io.roomcast.testsupport.PostgresServer;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.Server;
import io.roomcast.testsupport.ServerProcess;
import io.roomcast.testsupport.StreamClients;
import io.roomcast.testsupport.TargetServer;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Durable rooms (PROTOCOL 14) on a real PostgreSQL of this class's own (its outage test stops it) and a
 * Roomcast server of its own, on the runtime under test, killed (SIGKILL) and restarted once before the
 * tests: what was acknowledged survives with its epoch, a resend after the restart is answered with the first ack, the outbox
 * delivers committed rows once and rolled-back rows never, and a database outage refuses publishes
 * without closing connections, until the database is back.
 */
@ExtendWith(LeftoverProcesses.AtEnd.class)
class DurableRoomsIT {

    private static final String DATABASE = "durable_rooms";
    private static final Duration RECOVERY = Duration.ofSeconds(30);

    private static PostgresServer database;
    private static ServerProcess roomcast;
    private static Server server;
    private static StreamClients clients;

    private static final int RECOVERED_ROOM = 9101;
    private static final int RESENT_ROOM = 9102;
    private static final List<JsonObject> beforeRestart = new ArrayList<>();
    private static JsonObject firstAck;

    @BeforeAll
    static void start() throws Exception {
        boolean wildfly = TargetServer.isWildFly();
        database = PostgresServer.fresh("durable-rooms" + (wildfly ? "-wildfly" : "")).start();
        String url = database.createDatabase(DATABASE);
        Map<String, String> settings = new HashMap<>(Profile.BASE);
        settings.put("roomcast.store", "postgres");
        settings.put("roomcast.store.url", url);
        settings.put("roomcast.store.user", PostgresServer.USER);
        roomcast = Launcher.start(TargetServer.current(), "durable-rooms" + (wildfly ? "-wildfly" : ""), settings);
        server = new Server(roomcast.baseUri(), roomcast.healthUri());
        clients = new StreamClients(server);
        beforeTheRestart();
        roomcast.kill(); // SIGKILL of the server's own PID: no shutdown hook, nothing flushed on the way out
        roomcast.restart();
    }

    /**
     * What the restart tests look for afterwards, published and acknowledged before the one SIGKILL and
     * restart of the class (one restart for all: a boot is the slow part of these tests).
     */
    private static void beforeTheRestart() throws Exception {
        try (WsClient alice = clients.json("alice")) {
            join(alice, RECOVERED_ROOM);
            for (int i = 1; i <= 5; i++) {
                send(alice, RECOVERED_ROOM, "before-" + i, "b" + i);
                beforeRestart.add(alice.awaitJson(type("ack")));
            }
            join(alice, RESENT_ROOM);
            send(alice, RESENT_ROOM, "once", "only-once");
            firstAck = alice.awaitJson(type("ack"));
        }
    }

    @AfterAll
    static void stop() {
        if (roomcast != null) {
            roomcast.stop();
        }
        if (database != null) {
            database.stop();
        }
    }

    @Test
    void aRestartOfTheServerLosesNothingAcknowledgedAndKeepsTheEpoch() throws Exception {
        String epoch = beforeRestart.get(0).getString("epoch");
        assertThat(beforeRestart).extracting(StreamClients::offset).containsExactly(1L, 2L, 3L, 4L, 5L);
        try (WsClient bob = clients.json("bob")) {
            JsonObject joined = joinSince(bob, RECOVERED_ROOM, epoch, 3); // it saw up to offset 3 before the restart
            assertThat(joined.getBoolean("recovered")).as(joined.toString()).isTrue();
            assertThat(joined.getString("epoch")).isEqualTo(epoch);
            assertThat(bob.awaitJson(message(4)).getString("text")).isEqualTo("before-4");
            assertThat(bob.awaitJson(message(5)).getString("text")).isEqualTo("before-5");
            assertThat(bob.framesBeforePong()).as("nothing after the missed messages").isEmpty();
        }
    }

    @Test
    void aResendOfAnAcknowledgedRefAfterARestartGetsTheFirstAckAndNoSecondMessage() throws Exception {
        try (WsClient watcher = clients.json("watcher"); WsClient alice = clients.json("alice")) {
            join(watcher, RESENT_ROOM);
            join(alice, RESENT_ROOM);
            watcher.awaitJson(type("presence"));
            send(alice, RESENT_ROOM, "once", "only-once"); // the ack was lost, says the client: it sends again
            JsonObject again = alice.awaitJson(type("ack"));
            assertThat(again.getString("epoch")).isEqualTo(firstAck.getString("epoch"));
            assertThat(offset(again)).isEqualTo(offset(firstAck));
            assertThat(again.getString("id")).isEqualTo(firstAck.getString("id"));
            assertThat(watcher.framesBeforePong()).as("the resend is not delivered again").isEmpty();
        }
    }

    @Test
    void theOutboxDeliversCommittedRowsOnceWithOffsetsAndRolledBackRowsNever() throws Exception {
        int room = 9103;
        try (WsClient member = clients.json("member")) {
            join(member, room);
            try (Connection app = database.connect(DATABASE)) {
                app.setAutoCommit(false);
                insert(app, room, "rolled back", null);
                app.rollback();
                insert(app, room, "committed", "order-1");
                insert(app, room, "committed twice", "order-1"); // the same key: the same publish
                insert(app, room, "second", null);
                app.commit();
            }
            JsonObject committed = member.awaitJson(type("message"), RECOVERY);
            assertThat(committed.getString("text")).isEqualTo("committed");
            assertThat(committed.getString("from")).isEqualTo("billing");
            JsonObject second = member.awaitJson(type("message"));
            assertThat(second.getString("text")).isEqualTo("second");
            assertThat(offset(second)).isEqualTo(offset(committed) + 1);
            assertThat(member.framesBeforePong()).as("no rolled-back row, no duplicate").isEmpty();
        }
        try (Connection app = database.connect(DATABASE);
             var rows = app.createStatement().executeQuery("SELECT count(*) FROM roomcast_outbox")) {
            rows.next();
            assertThat(rows.getInt(1)).as("relayed rows leave the outbox").isZero();
        }
    }

    @Test
    void aDatabaseOutageRefusesPublishesKeepsConnectionsAndServiceResumesByItself() throws Exception {
        int room = 9104;
        try (WsClient alice = clients.json("alice")) {
            join(alice, room);
            send(alice, room, "before the outage", "o1");
            long acked = offset(alice.awaitJson(type("ack")));

            database.stop();
            try {
                HttpResponse<String> refused = clients.publish("alice", room, "during", null);
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
                assertThat(refused.headers().firstValue("Retry-After")).isPresent();
                assertThat(WsClient.parse(refused.body()).getString("error")).isEqualTo("unavailable");
                send(alice, room, "during the outage", "o2");
                JsonObject error = alice.awaitJson(type("error"));
                assertThat(error.getString("code")).isEqualTo("unavailable");
                assertThat(server.get("api/health/ready").statusCode()).isEqualTo(503);
                assertThat(alice.framesBeforePong()).as("the connection stays open and answers").isEmpty();
            } finally {
                database.start();
            }

            awaitReady();
            send(alice, room, "after the outage", "o2"); // the refused publish, sent again
            JsonObject ack = alice.awaitJson(type("ack"));
            assertThat(offset(ack)).as("nothing was placed while refused").isEqualTo(acked + 1);
        }
    }

    private static void awaitReady() throws Exception {
        await().atMost(RECOVERY).pollInterval(Duration.ofMillis(100))
                .until(() -> server.get("api/health/ready").statusCode() == 200);
    }

    private static void insert(Connection app, int room, String text, String key) throws Exception {
        try (PreparedStatement insert = app.prepareStatement(
                "INSERT INTO roomcast_outbox (room, sender, text, idempotency_key) VALUES (?, 'billing', ?, ?)")) {
            insert.setInt(1, room);
            insert.setString(2, text);
            insert.setString(3, key);
            insert.executeUpdate();
        }
    }
}
