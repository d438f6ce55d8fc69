package io.roomcast.durable;

import static io.roomcast.testsupport.StreamClients.join;
import static io.roomcast.testsupport.StreamClients.message;
import static io.roomcast.testsupport.StreamClients.offset;
import static io.roomcast.testsupport.StreamClients.send;
import static io.roomcast.testsupport.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.testsupport.LeftoverProcesses;
import io.roomcast.testsupport.PayaraMicroProcess;
import io.roomcast.testsupport.PostgresServer;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.Server;
import io.roomcast.testsupport.ServerProcess;
import io.roomcast.testsupport.StreamClients;
import io.roomcast.testsupport.TargetServer;
import io.roomcast.testsupport.WildFlyProcess;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code roomcast.store.datasource} on the runtime under test (PROTOCOL 14): a Roomcast whose store is
 * a DataSource the server itself defines, with PostgreSQL's driver given to the server as an operator
 * gives it (Payara Micro: {@code --addLibs} and asadmin's {@code create-jdbc-connection-pool} /
 * {@code create-jdbc-resource}; WildFly: jboss-cli's {@code module add} and {@code data-source add}, the
 * commands of docs/DURABILITY.md), next to a second Roomcast of the same runtime on the same database
 * with {@code roomcast.store.url}. The server's driver is loaded by the server's class loader, not the
 * WAR's, and its connections come wrapped by the server's pool: what arrives on LISTEN is still read
 * (presence crosses only as notifications), publishes are acknowledged and delivered both ways, the
 * outbox is relayed and readiness is UP.
 *
 * <p>Both servers start once for the class. The Payara Micro pass runs the Payara Micro pair, the WildFly
 * pass ({@code -Pwildfly}) the WildFly pair.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith({LeftoverProcesses.AtEnd.class, PostgresServer.Shared.class})
class ServerDataSourceIT {

    private static final String DATABASE = "server_datasource";
    private static final String PAYARA_JNDI = "jdbc/roomcast";
    private static final String WILDFLY_JNDI = "java:jboss/datasources/Roomcast";
    private static final Duration SERVICE_WAIT = Duration.ofSeconds(60);

    private PostgresServer database;
    private final List<ServerProcess> processes = new ArrayList<>();
    /** The Roomcast on the server's DataSource. */
    private Server pooled;
    /** The Roomcast with a pool of its own ({@code roomcast.store.url}). */
    private Server own;

    @BeforeAll
    void startARoomcastOnTheServersDataSourceAndOneWithItsOwnPool(PostgresServer db) {
        database = db;
        String url = db.createDatabase(DATABASE);
        Map<String, String> settings = new HashMap<>(Profile.BASE);
        settings.put("roomcast.store", "postgres");
        settings.put("roomcast.store.lease", "3");
        settings.put("roomcast.heartbeat.timeout", "30");
        Map<String, String> withUrl = new HashMap<>(settings);
        withUrl.put("roomcast.store.url", url);
        withUrl.put("roomcast.store.user", PostgresServer.USER);
        Path driver = Path.of(org.postgresql.Driver.class.getProtectionDomain().getCodeSource().getLocation().getPath());

        if (TargetServer.isWildFly()) {
            WildFlyProcess.Builder datasource = WildFlyProcess.builder("datasource-wildfly").cli(List.of(
                    "module add --name=org.postgresql --resources=" + driver + " --dependencies=java.sql,java.naming"
                            + " --module-root-dir={modules}",
                    "/subsystem=datasources/jdbc-driver=postgresql:add(driver-name=postgresql,"
                            + "driver-module-name=org.postgresql,driver-class-name=org.postgresql.Driver)",
                    "data-source add --name=Roomcast --jndi-name=" + WILDFLY_JNDI + " --driver-name=postgresql"
                            + " --connection-url=" + url + " --user-name=" + PostgresServer.USER + " --max-pool-size=16"
                            + " --valid-connection-checker-class-name="
                            + "org.jboss.jca.adapters.jdbc.extensions.postgres.PostgreSQLValidConnectionChecker"
                            + " --exception-sorter-class-name="
                            + "org.jboss.jca.adapters.jdbc.extensions.postgres.PostgreSQLExceptionSorter"
                            + " --background-validation=true"));
            settings.forEach(datasource::systemProperty);
            datasource.systemProperty("roomcast.store.datasource", WILDFLY_JNDI);
            WildFlyProcess.Builder partner = WildFlyProcess.builder("datasource-partner-wildfly");
            withUrl.forEach(partner::systemProperty);
            WildFlyProcess withDataSource = started(datasource.start());
            WildFlyProcess withOwnPool = started(partner.start());
            pooled = new Server(withDataSource.baseUri(), withDataSource.healthUri());
            own = new Server(withOwnPool.baseUri(), withOwnPool.healthUri());
        } else {
            PayaraMicroProcess.Builder datasource = PayaraMicroProcess.builder("datasource-payara").addLib(driver)
                    .postBootCommands(List.of(
                            "create-jdbc-connection-pool --datasourceclassname org.postgresql.ds.PGSimpleDataSource"
                                    + " --restype javax.sql.DataSource --maxpoolsize 16"
                                    + " --isconnectvalidatereq=true --validationmethod=custom-validation"
                                    + " --validationclassname=org.glassfish.api.jdbc.validation.PostgresConnectionValidation"
                                    + " --property serverName=127.0.0.1:portNumber=" + db.port() + ":databaseName="
                                    + DATABASE + ":user=" + PostgresServer.USER
                                    // the pool needs a password; the test database trusts loopback and ignores it
                                    + ":password=unused roomcast",
                            "create-jdbc-resource --connectionpoolid roomcast " + PAYARA_JNDI));
            settings.forEach(datasource::systemProperty);
            datasource.systemProperty("roomcast.store.datasource", PAYARA_JNDI);
            PayaraMicroProcess.Builder partner = PayaraMicroProcess.builder("datasource-partner-payara");
            withUrl.forEach(partner::systemProperty);
            // side by side: a Payara Micro boot is the slow part
            PayaraMicroProcess withDataSource = started(datasource.launch());
            PayaraMicroProcess withOwnPool = started(partner.launch());
            Instant deadline = Instant.now().plus(PayaraMicroProcess.DEFAULT_STARTUP_TIMEOUT);
            withDataSource.awaitReady(deadline);
            withOwnPool.awaitReady(deadline);
            pooled = new Server(withDataSource.baseUri());
            own = new Server(withOwnPool.baseUri());
        }
        await().atMost(SERVICE_WAIT).until(() -> instanceRows(pooled) == 2 && instanceRows(own) == 2);
    }

    private <P extends ServerProcess> P started(P process) {
        processes.add(process);
        return process;
    }

    @AfterAll
    void stopBoth() {
        processes.forEach(ServerProcess::stop);
    }

    @Test
    void theInstanceOnTheServersDataSourceIsReadyWithItsRoomStoreUp() throws Exception {
        HttpResponse<String> ready = pooled.get("api/health/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        JsonObject body = WsClient.parse(ready.body());
        assertThat(body.getJsonArray("checks").getValuesAs(JsonObject.class))
                .anySatisfy(check -> {
                    assertThat(check.getString("name")).isEqualTo("room-store");
                    assertThat(check.getString("status")).isEqualTo("UP");
                });
    }

    @Test
    void publishesOnEitherInstanceAreAcknowledgedAndDeliveredOnTheOther() throws Exception {
        int room = 9301;
        try (WsClient alice = new StreamClients(pooled).json("alice");
             WsClient bob = new StreamClients(own).json("bob")) {
            join(alice, room);
            join(bob, room);
            awaitMembersEverywhere(room, 2);

            send(alice, room, "from the datasource side", "a1");
            JsonObject aliceAck = alice.awaitJson(type("ack"));
            assertThat(bob.awaitJson(message(offset(aliceAck)), SERVICE_WAIT).getString("text"))
                    .isEqualTo("from the datasource side");

            send(bob, room, "from the url side", "b1");
            JsonObject bobAck = bob.awaitJson(type("ack"));
            assertThat(offset(bobAck)).isEqualTo(offset(aliceAck) + 1);
            JsonObject delivered = alice.awaitJson(message(offset(bobAck)), SERVICE_WAIT);
            assertThat(delivered.getString("text")).isEqualTo("from the url side");
            assertThat(delivered.getString("epoch")).isEqualTo(aliceAck.getString("epoch"));
        }
    }

    @Test
    void presenceCrossesBothWaysSoTheDataSourceInstanceHearsItsNotifications() throws Exception {
        int room = 9302;
        try (WsClient carol = new StreamClients(pooled).json("carol");
             WsClient dave = new StreamClients(own).json("dave")) {
            join(dave, room);
            awaitMembersEverywhere(room, 1);
            // Presence travels only as NOTIFY on the bus, so each side hears the other's only by listening.
            assertThat(join(carol, room).getInt("members")).isEqualTo(2);
            assertThat(dave.awaitJson(presence("join", "carol"), SERVICE_WAIT).getInt("members")).isEqualTo(2);

            dave.send("{\"type\":\"leave\",\"room\":" + room + "}");
            dave.awaitJson(type("left"));
            assertThat(carol.awaitJson(presence("leave", "dave"), SERVICE_WAIT).getInt("members")).isEqualTo(1);
            join(dave, room);
            assertThat(carol.awaitJson(presence("join", "dave"), SERVICE_WAIT).getInt("members")).isEqualTo(2);
        }
    }

    @Test
    void theOutboxIsRelayedOnceWithAnOffset() throws Exception {
        int room = 9303;
        try (WsClient member = new StreamClients(pooled).json("member")) {
            join(member, room);
            try (Connection app = database.connect(DATABASE)) {
                app.setAutoCommit(false);
                try (PreparedStatement insert = app.prepareStatement(
                        "INSERT INTO roomcast_outbox (room, sender, text, idempotency_key) VALUES (?, 'billing', ?, ?)")) {
                    insert.setInt(1, room);
                    insert.setString(2, "order 42 paid");
                    insert.setString(3, "order-42-paid");
                    insert.executeUpdate();
                }
                app.commit();
            }
            JsonObject relayed = member.awaitJson(type("message"), SERVICE_WAIT);
            assertThat(relayed.getString("text")).isEqualTo("order 42 paid");
            assertThat(relayed.getString("from")).isEqualTo("billing");
            assertThat(offset(relayed)).isEqualTo(1);
            assertThat(member.framesBeforePong()).as("relayed once").isEmpty();
        }
        try (Connection app = database.connect(DATABASE);
             ResultSet rows = app.createStatement().executeQuery("SELECT count(*) FROM roomcast_outbox")) {
            rows.next();
            assertThat(rows.getInt(1)).as("relayed rows leave the outbox").isZero();
        }
    }

    @Test
    void bothInstancesHoldAListeningConnectionForTheBusAndForTheOutboxTheDataSourceOneFromTheServersPool()
            throws Exception {
        // A held listener's session runs nothing after its LISTEN, so that stays its last statement. The
        // instance with a pool of its own names its listeners roomcast-listener; the server's pool names
        // its connections as the driver does by default.
        await().atMost(SERVICE_WAIT).untilAsserted(() -> {
            assertThat(listeners("application_name = 'roomcast-listener'"))
                    .containsExactlyInAnyOrder("LISTEN roomcast_bus", "LISTEN roomcast_outbox");
            assertThat(listeners("application_name NOT LIKE 'roomcast%'"))
                    .containsExactlyInAnyOrder("LISTEN roomcast_bus", "LISTEN roomcast_outbox");
        });
    }

    /** The last statements of this database's idle sessions that listen, of those {@code which}. */
    private List<String> listeners(String which) throws Exception {
        List<String> statements = new ArrayList<>();
        try (Connection connection = database.connect(DATABASE);
             PreparedStatement query = connection.prepareStatement("SELECT query FROM pg_stat_activity WHERE datname = ?"
                     + " AND state = 'idle' AND query LIKE 'LISTEN %' AND " + which)) {
            query.setString(1, DATABASE);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    statements.add(rows.getString(1));
                }
            }
        }
        return statements;
    }

    private void awaitMembersEverywhere(int room, int count) {
        await().atMost(SERVICE_WAIT).until(() -> membersOf(pooled, room) == count && membersOf(own, room) == count);
    }

    private static Predicate<JsonObject> presence(String event, String user) {
        return f -> "presence".equals(f.getString("type", "")) && event.equals(f.getString("event"))
                && user.equals(f.getString("user"));
    }

    /** Rows of the server's {@code /api/status} {@code instances}; -1 while it does not answer. */
    private static int instanceRows(Server server) {
        try {
            return server.status().getJsonArray("instances").size();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Members of a room on every instance, by the server's {@code /api/status}; -1 while it does not answer. */
    private static int membersOf(Server server, int room) {
        try {
            return server.status().getJsonArray("rooms").getValuesAs(JsonObject.class).stream()
                    .filter(r -> r.getInt("room") == room).mapToInt(r -> r.getInt("members")).findFirst().orElse(0);
        } catch (Exception e) {
            return -1;
        }
    }
}
