package io.roomcast.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The tests' PostgreSQL launcher: a real server, the test JVM's own child, whose committed rows
 * survive a fast stop and a SIGKILL of the postmaster, and which leaves no process behind. The
 * restarts run on a server of this class's own ({@link PostgresServer#fresh}); the shared one is only
 * read and written, as every other class will.
 */
@ExtendWith({LeftoverProcesses.AtEnd.class, PostgresServer.Shared.class})
class PostgresServerIT {

    private static PostgresServer own;
    private static PostgresServer shared;

    @BeforeAll
    static void start(PostgresServer sharedServer) {
        shared = sharedServer;
        own = PostgresServer.fresh("launcher-it").start();
    }

    @AfterAll
    static void stop() {
        own.stop();
    }

    @BeforeEach
    void running() {
        if (!own.isRunning()) {
            own.start(); // a test that failed half-way leaves it stopped
        }
    }

    @Test
    void thePostmasterIsTheTestsOwnChildProcess() throws Exception {
        List<String> pidFile = Files.readAllLines(own.dataDir().resolve("postmaster.pid"), StandardCharsets.UTF_8);

        assertThat(Long.parseLong(pidFile.get(0).trim())).isEqualTo(own.pid());
        assertThat(ProcessHandle.current().children().map(ProcessHandle::pid)).contains(own.pid());
        assertThat(ProcessHandle.of(own.pid()).orElseThrow().info().command().orElse(""))
                .endsWith("/bin/postgres");
    }

    @Test
    void itListensOnLoopbackOnlyWithFsyncOn() throws SQLException {
        try (Connection c = own.connect("postgres")) {
            assertThat(setting(c, "listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(setting(c, "fsync")).isEqualTo("on");
            assertThat(setting(c, "synchronous_commit")).isEqualTo("on");
            assertThat(setting(c, "max_connections")).isEqualTo("200");
            assertThat(setting(c, "unix_socket_directories")).isEqualTo(own.dataDir().getParent().toString());
        }
    }

    @Test
    void aCreatedDatabaseIsWrittenAndReadOverJdbc() throws SQLException {
        shared.createDatabase("launcher_rw");
        try (Connection c = shared.connect("launcher_rw")) {
            createAndFill(c, "messages", 3);

            assertThat(rows(c, "messages")).containsExactly("m1", "m2", "m3");
        }
    }

    @Test
    void eachDatabaseKeepsItsRowsToItself() throws SQLException {
        shared.createDatabase("launcher_first");
        shared.createDatabase("launcher_second");
        try (Connection first = shared.connect("launcher_first"); Connection second = shared.connect("launcher_second")) {
            createAndFill(first, "messages", 2);

            assertThat(tableExists(second, "messages")).isFalse();
        }
    }

    @Test
    void createDatabaseGivesAnEmptyDatabaseEvenWhenTheNameWasUsed() throws SQLException {
        shared.createDatabase("launcher_again");
        try (Connection c = shared.connect("launcher_again")) {
            createAndFill(c, "messages", 1);
        }
        String url = shared.createDatabase("launcher_again"); // drops the connection-free old one

        assertThat(url).isEqualTo(shared.jdbcUrl("launcher_again"));
        try (Connection c = shared.connect("launcher_again")) {
            assertThat(tableExists(c, "messages")).isFalse();
        }
    }

    @Test
    void committedRowsSurviveAFastStopAndARestartOnTheSamePort() throws SQLException {
        own.createDatabase("survives_stop");
        try (Connection c = own.connect("survives_stop")) {
            createAndFill(c, "messages", 100);
        }
        long pid = own.pid();
        int port = own.port();

        own.stop();

        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThatThrownBy(() -> own.connect("survives_stop").close()).isInstanceOf(SQLException.class);
        own.start();
        assertThat(own.port()).isEqualTo(port);
        try (Connection c = own.connect("survives_stop")) {
            assertThat(rows(c, "messages")).hasSize(100).startsWith("m1").endsWith("m100");
        }
    }

    @Test
    void committedRowsSurviveASigkillOfThePostmasterAndNoBackendOutlivesIt() throws SQLException {
        own.createDatabase("survives_kill");
        List<ProcessHandle> backends;
        try (Connection c = own.connect("survives_kill")) {
            createAndFill(c, "messages", 100);
            backends = ProcessHandle.of(own.pid()).orElseThrow().descendants().toList();

            own.kill(); // while this connection is open, as in a crash
        }

        assertThat(backends).isNotEmpty().noneMatch(ProcessHandle::isAlive);
        own.start(); // crash recovery replays the WAL: fsync'd commits are there
        try (Connection c = own.connect("survives_kill")) {
            assertThat(rows(c, "messages")).hasSize(100).startsWith("m1").endsWith("m100");
        }
        assertThat(own.logFile()).content(StandardCharsets.UTF_8).contains("database system was not properly shut down");
    }

    @Test
    void aStoppedServerLeavesNoProcess() {
        long pid = own.pid();
        List<ProcessHandle> tree = new ArrayList<>(ProcessHandle.of(pid).orElseThrow().descendants().toList());
        tree.add(ProcessHandle.of(pid).orElseThrow());

        own.stop();

        assertThat(own.isRunning()).isFalse();
        assertThat(tree).hasSizeGreaterThan(1).noneMatch(ProcessHandle::isAlive);
    }

    private static void createAndFill(Connection c, String table, int rows) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, text text NOT NULL)");
        }
        c.setAutoCommit(false);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
            for (int i = 1; i <= rows; i++) {
                insert.setLong(1, i);
                insert.setString(2, "m" + i);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        c.commit(); // returns once the commit is flushed to the WAL (fsync, synchronous_commit on)
        c.setAutoCommit(true);
    }

    private static List<String> rows(Connection c, String table) throws SQLException {
        List<String> texts = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT text FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                texts.add(rs.getString(1));
            }
        }
        return texts;
    }

    private static boolean tableExists(Connection c, String table) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            q.setString(1, table);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static String setting(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
