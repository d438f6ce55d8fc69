package io.roomcast.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real PostgreSQL (Debian's package, installed by {@code src/postgres/postgres.sh} when missing) as a
 * child process of the test JVM: the postmaster itself, not a daemon started by pg_ctl, so its PID is
 * ours to signal and {@link LeftoverProcesses} sees it. Data in {@code target/postgres-<name>/data}, unix
 * socket in {@code target/postgres-<name>/}, server output in {@code target/postgres-<name>.log};
 * listening on 127.0.0.1 only, on a free port that stays the same across restarts; superuser
 * {@code roomcast}, trusted on loopback (no password).
 *
 * <pre>{@code
 * @ExtendWith(PostgresServer.Shared.class)
 * class RestartIT {
 *     @BeforeAll
 *     static void setUp(PostgresServer db) {              // one per test run, started on first use
 *         String url = db.createDatabase("restart_it");   // a fresh database of this class's own
 *     }
 * }
 * }</pre>
 *
 * A test that takes the database away (an outage) runs one of its own, {@link #fresh}, so that the
 * classes running beside it keep theirs: {@link #stop()} (fast shutdown), {@link #kill()} (a crash), then
 * {@link #start()} on the same data and port.
 */
public final class PostgresServer implements ExtensionContext.Store.CloseableResource, AutoCloseable {

    public static final String USER = "roomcast";

    private static final Path BASEDIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private static final Path TARGET = BASEDIR.resolve("target");
    private static final Path SCRIPT = BASEDIR.resolve("src/postgres/postgres.sh");
    /** apt-get on a fresh machine: the package index and about 20 MB of packages. */
    private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(15);
    /** Crash recovery after a kill replays WAL first; on two busy cores it can take a while. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresServer.class);

    private final String name;
    private final Path dataDir;
    private final Path logFile;
    private final int port;
    /** The postmaster while it runs; written under this object's lock, read without it by {@link #kill()}. */
    private volatile Process process;

    private PostgresServer(String name) {
        this.name = name;
        this.dataDir = TARGET.resolve("postgres-" + name).resolve("data");
        this.logFile = TARGET.resolve("postgres-" + name + ".log");
        this.port = PayaraMicroProcess.freePort();
        // A test JVM that dies (or is killed by failsafe's timeout) must not leave a database behind.
        Runtime.getRuntime().addShutdownHook(new Thread(this::kill, "stop-postgres-" + name));
    }

    /**
     * The run's shared server (one per runtime under test), started by the first caller and stopped
     * after the last test of the run, before the leftover check.
     */
    public static PostgresServer shared(ExtensionContext context) {
        LeftoverProcesses.checkAtEnd(context); // stored first: checks after this server stopped
        String name = "shared" + (TargetServer.isWildFly() ? "-wildfly" : "");
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(PostgresServer.class, type -> fresh(name).start(), PostgresServer.class);
    }

    /**
     * Hands a test the run's {@link #shared} server as a parameter ({@code @BeforeAll static void
     * setUp(PostgresServer db)}): {@code @ExtendWith(PostgresServer.Shared.class)}.
     */
    public static final class Shared implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == PostgresServer.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return shared(context);
        }
    }

    /**
     * A server of the caller's own, not started yet, with an empty data dir (an earlier run's of the
     * same name is deleted) and an empty log.
     */
    public static PostgresServer fresh(String name) {
        PostgresServer server = new PostgresServer(name);
        deleteTree(server.dataDir.getParent());
        deleteTree(server.logFile);
        return server;
    }

    /**
     * Installs PostgreSQL if missing, creates the cluster if there is none, launches the server and
     * returns once it answers {@code select 1}. Starting again after {@link #stop()} or {@link #kill()}
     * reuses the same data and port.
     */
    public synchronized PostgresServer start() {
        if (isRunning()) {
            throw new IllegalStateException("postgres-" + name + " is already running");
        }
        script(List.of("install"), SETUP_TIMEOUT);
        script(List.of("init", dataDir.toString()), SETUP_TIMEOUT);
        try {
            appendToLog("==== " + Instant.now() + " starting on 127.0.0.1:" + port);
            process = new ProcessBuilder("bash", SCRIPT.toString(), "serve", dataDir.toString(), Integer.toString(port))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not launch postgres-" + name, e);
        }
        awaitReady(Instant.now().plus(START_TIMEOUT));
        return this;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}; user {@link #USER}, no password. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A new connection to {@code database} as {@link #USER}; the caller closes it. */
    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    /**
     * An empty database named {@code database} (dropped first if it exists, connections and all), and
     * its JDBC URL: each user of the shared server takes one of its own, so no one sees another's rows.
     */
    public String createDatabase(String database) {
        if (!DATABASE_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("database names here are [a-z][a-z0-9_]*: " + database);
        }
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + database + " on postgres-" + name, e);
        }
        return jdbcUrl(database);
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    /** The postmaster's PID, the one process signalled by {@link #stop()} and {@link #kill()}. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("postgres-" + name + " is not running");
        }
        return process.pid();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Fast shutdown (SIGINT: open transactions rolled back, sessions ended, a checkpoint written), and
     * waits for it; a {@link #kill()} when that takes more than a minute. Nothing when not running.
     */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        if (!process.isAlive()) {
            process = null; // it died by itself: there is nothing to signal
            return;
        }
        // SIGTERM would be a smart shutdown, waiting for every client (a server's pool) to leave first
        signal("INT", process.pid());
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                kill();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            return;
        }
        process = null;
    }

    /**
     * Dies at once, as a crashed machine's database would: SIGKILL to the postmaster only, no
     * checkpoint. Its backends notice and exit by themselves; this waits for them (killing any that
     * linger), since an orphan would hold the shared memory a restart needs and outlive the run.
     */
    public void kill() {
        // not synchronized: the JVM's shutdown hook calls it too, maybe while start() waits for readiness
        Process p = process;
        if (p == null) {
            return;
        }
        List<ProcessHandle> postmasterAndBackends = new ArrayList<>(p.descendants().toList());
        p.destroyForcibly();
        postmasterAndBackends.add(0, p.toHandle());
        for (ProcessHandle h : postmasterAndBackends) {
            boolean exited = !h.onExit().completeOnTimeout(h, STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS).join().isAlive();
            if (!exited) {
                h.destroyForcibly();
            }
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "postgres-" + name + " on 127.0.0.1:" + port;
    }

    private void awaitReady(Instant deadline) {
        Process starting = process;
        SQLException last = null;
        while (Instant.now().isBefore(deadline)) {
            if (!starting.isAlive()) {
                process = null;
                throw new IllegalStateException("postgres-" + name + " exited with " + starting.exitValue()
                        + " while starting; see " + logFile + "\n" + tail());
            }
            try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
                s.execute("select 1");
                return;
            } catch (SQLException e) {
                last = e; // not listening yet, or "the database system is starting up"
            }
            try {
                starting.waitFor(100, TimeUnit.MILLISECONDS); // a poll interval that ends early if it dies
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
                throw new IllegalStateException("interrupted while postgres-" + name + " was starting", e);
            }
        }
        kill();
        throw new IllegalStateException("postgres-" + name + " did not accept connections within " + START_TIMEOUT
                + "; see " + logFile + "\n" + tail(), last);
    }

    private void script(List<String> args, Duration timeout) {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(args);
        try {
            Files.createDirectories(TARGET);
            appendToLog("==== " + Instant.now() + " postgres.sh " + String.join(" ", args));
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new IllegalStateException("postgres.sh " + args.get(0) + " did not finish in " + timeout
                        + "; see " + logFile);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("postgres.sh " + args.get(0) + " failed with exit code " + p.exitValue()
                        + "; see " + logFile + "\n" + tail());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("postgres.sh " + args.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in postgres.sh " + args.get(0), e);
        }
    }

    /** {@code kill -<signal> <pid>}: ProcessHandle sends only SIGTERM and SIGKILL. */
    private static void signal(String signal, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("kill -" + signal + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending SIG" + signal + " to " + pid, e);
        }
    }

    private void appendToLog(String line) throws IOException {
        Files.writeString(logFile, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static void deleteTree(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + path, e);
        }
    }
}
