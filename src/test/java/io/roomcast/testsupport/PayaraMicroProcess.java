package io.roomcast.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Roomcast on a real Payara Micro, as a child process: the shared servers of the suite
 * ({@link Launcher}), servers a test stops and starts again at the same address (reconnect tests),
 * talks to from outside (a browser, a load tool), signals, or clusters ({@link Builder#cluster}).
 *
 * <pre>{@code
 * try (PayaraMicroProcess server = PayaraMicroProcess.builder("demo")
 *         .systemProperty("roomcast.dev-mode", "true")
 *         .env("ROOMCAST_HEARTBEAT_INTERVAL", "2")
 *         .start()) {
 *     URI base = server.baseUri();   // http://127.0.0.1:<free port>/
 *     server.restart();              // same port
 * }
 * }</pre>
 *
 * It runs Payara Micro as {@code java -jar <payara-micro.jar> --deploy <roomcast.war> --contextroot / --port <port> --nocluster
 * --prebootcommandfile <pre-boot.asadmin>} would (or, clustered, {@code --clustermode tcpip:<members>} in place of
 * {@code --nocluster}), but from the runtime {@link MicroRuntime} unpacked once per test JVM, with a root
 * directory of its own ({@code <build dir>/<name>-root}) and a class-data archive; with the jar, war and pre-boot file from the system properties {@code payara.microJar},
 * {@code roomcast.war} and {@code roomcast.preBoot} (the failsafe configuration sets them). The server's output goes to {@code <build dir>/<name>.log},
 * appended across restarts; the child's {@code java.io.tmpdir} is {@code <build dir>/<name>-tmp}, so
 * nothing lands in the machine's /tmp. The build dir is the folder holding the war ({@code target/}).
 */
public final class PayaraMicroProcess extends ServerProcess {

    /**
     * Payara Micro alone on two cores boots in 20-40 s, but the suite boots several side by side (three
     * classes at a time, clusters of three or four): 220 s was seen. Only a boot that fails waits this long.
     */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(
            Long.getLong("roomcast.startupTimeoutSeconds", 600));
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build(); // plain HTTP/1.1: no h2c upgrade on a cold server

    private final String name;
    private final Path microJar;
    private final Path war;
    /** Chosen free at build time unless fixed; chosen again if another process took it before Payara bound it. */
    private volatile int port;
    private final boolean portChosen;
    private final Map<String, String> systemProperties;
    private final Map<String, String> env;
    private final List<String> jvmOptions;
    private final Duration startupTimeout;
    private final Cluster cluster;
    private final List<Path> libraries;
    private final List<String> postBootCommands;
    private final boolean asJar;
    private final Path buildDir;
    private final Path logFile;

    private PayaraMicroProcess(Builder b) {
        super(b.name);
        this.name = b.name;
        this.microJar = b.microJar != null ? b.microJar : requiredPath("payara.microJar");
        this.war = b.war != null ? b.war : requiredPath("roomcast.war");
        this.port = b.port > 0 ? b.port : freePort();
        this.portChosen = b.port <= 0;
        this.systemProperties = Map.copyOf(b.systemProperties);
        this.env = Map.copyOf(b.env);
        this.jvmOptions = List.copyOf(b.jvmOptions);
        this.startupTimeout = b.startupTimeout;
        this.cluster = b.cluster;
        this.libraries = List.copyOf(b.libraries);
        this.postBootCommands = List.copyOf(b.postBootCommands);
        this.asJar = b.asJar;
        this.buildDir = war.toAbsolutePath().getParent();
        this.logFile = buildDir.resolve(name + ".log");
    }

    /**
     * Membership of a Hazelcast cluster on loopback: the cluster's name (a fresh one per test cluster, so
     * that concurrent runs never join each other), its members' Hazelcast addresses
     * ({@code 127.0.0.1:p1,127.0.0.1:p2,...}) and this member's own Hazelcast port, one of them.
     */
    public record Cluster(String name, String memberList, int hazelcastPort) {
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** {@code http://127.0.0.1:<port>/}: the application at context root /. */
    @Override
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return logFile;
    }

    /** Launches the server and returns once {@code GET /api/status} answers 200. */
    public synchronized PayaraMicroProcess start() {
        launch();
        awaitReady(Instant.now().plus(startupTimeout));
        return this;
    }

    /** Launches the server and returns at once: for a test whose server must not become ready. */
    public synchronized PayaraMicroProcess launch() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running");
        }
        try {
            Path tmp = Files.createDirectories(buildDir.resolve(name + "-tmp"));
            boolean shared = fromSharedRuntime();
            if (shared) {
                MicroRuntime.shared().prepareInstanceRoot(instanceRoot());
            }
            if (!postBootCommands.isEmpty()) {
                Files.write(postBootFile(), postBootCommands, StandardCharsets.UTF_8);
            }
            List<String> command = command(tmp, shared);
            Files.writeString(logFile, "==== " + Instant.now() + " starting " + String.join(" ", command) + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(buildDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE);
            pb.environment().putAll(env);
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not launch Payara Micro for " + name, e);
        }
        return this;
    }

    /**
     * Waits until the server's log has a line containing {@code fragment}, written since it was last
     * launched, and returns that line.
     */
    public String awaitLogLine(String fragment, Duration timeout) {
        Process launched = process;
        AtomicReference<String> found = new AtomicReference<>();
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> {
                List<String> lines = List.of(log().split("\n"));
                int launchedAt = 0;
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).startsWith("==== ")) {
                        launchedAt = i + 1; // after the marker launch() writes: earlier lines are an earlier run's
                    }
                }
                lines.subList(launchedAt, lines.size()).stream().filter(l -> l.contains(fragment)).findFirst()
                        .ifPresent(found::set);
                return found.get() != null || launched == null || !launched.isAlive();
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(name + ": no log line with \"" + fragment + "\" within " + timeout + "\n" + tail());
        }
        if (found.get() == null) {
            throw new AssertionError(name + " ended without a log line with \"" + fragment + "\"\n" + tail());
        }
        return found.get();
    }

    /** The server's whole log, every run so far. */
    public String log() {
        try {
            return new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stop, then start again on the same port. */
    @Override
    public synchronized PayaraMicroProcess restart() {
        stop();
        return start();
    }

    /** The server's command line; {@code shared}: from {@link MicroRuntime} rather than {@code -jar}. */
    private List<String> command(Path tmp, boolean shared) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Djava.io.tmpdir=" + tmp.toAbsolutePath());
        systemProperties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        if (shared) {
            cmd.addAll(MicroRuntime.shared().launch(instanceRoot()));
        } else {
            cmd.addAll(List.of("-jar", microJar.toAbsolutePath().toString()));
        }
        cmd.addAll(List.of("--deploy", war.toAbsolutePath().toString(),
                "--contextroot", "/",
                "--port", Integer.toString(port)));
        if (cluster == null) {
            cmd.add("--nocluster");
        } else {
            cmd.addAll(List.of("--name", name,
                    "--clustername", cluster.name(),
                    "--clustermode", "tcpip:" + cluster.memberList(),
                    "--interfaces", "127.0.0.1",
                    "--startport", Integer.toString(cluster.hazelcastPort())));
        }
        String preBoot = System.getProperty("roomcast.preBoot");
        if (preBoot != null) {
            cmd.addAll(List.of("--prebootcommandfile", preBoot)); // the settings the run command uses
        }
        if (!libraries.isEmpty()) {
            cmd.addAll(List.of("--addLibs", String.join(java.io.File.pathSeparator,
                    libraries.stream().map(p -> p.toAbsolutePath().toString()).toList())));
        }
        if (!postBootCommands.isEmpty()) {
            cmd.addAll(List.of("--postbootcommandfile", postBootFile().toString()));
        }
        return cmd;
    }

    /**
     * Whether this server boots from {@link MicroRuntime}: only in the Payara Micro pass (elsewhere the
     * one or two Payara Micro servers a pass starts would not pay back the archive's boot); not when asked to run as the README's
     * {@code java -jar}, not with {@code --addLibs}, which needs the class loader that only {@code java -jar
     * payara-micro.jar} installs, nor from another jar.
     */
    private boolean fromSharedRuntime() {
        return !asJar && libraries.isEmpty() && TargetServer.current() == TargetServer.PAYARA_MICRO
                && MicroRuntime.shared().unpackedFrom(microJar);
    }

    /** {@code <build dir>/<name>-root}: the server's own Payara Micro root ({@link MicroRuntime}), fresh at each launch. */
    private Path instanceRoot() {
        return buildDir.resolve(name + "-root").toAbsolutePath();
    }

    /** {@code <build dir>/<name>-post-boot.asadmin}: the {@link Builder#postBootCommands}, written at launch. */
    private Path postBootFile() {
        return buildDir.resolve(name + "-post-boot.asadmin").toAbsolutePath();
    }

    /**
     * Returns once the launched server is ready, by the deadline, or stops it and fails. Ready means the
     * application answers, not just the port: /api/status is served by the WAR. For servers launched
     * side by side (a cluster) and awaited afterwards.
     */
    public void awaitReady(Instant deadline) {
        URI status = baseUri().resolve("api/status");
        String last = StatusPoller.awaitOk(HTTP, process, status, deadline, this::launchFailed);
        if (PORT_TAKEN.equals(last) && portChosen) {
            // The port was free when chosen, and another process bound it before Payara did; Payara Micro then
            // runs on without its listener, so this would otherwise wait out the whole timeout.
            System.err.println(name + ": port " + port + " was taken before Payara Micro bound it; launching it again");
            stop();
            port = freePort();
            status = baseUri().resolve("api/status");
            launch();
            last = StatusPoller.awaitOk(HTTP, process, status, deadline, this::launchFailed);
        }
        if (DEPLOY_FAILED.equals(last)) {
            // Payara Micro runs on after a failed deploy, so this would otherwise wait out the whole timeout.
            // Seen once in about twenty runs: "DeploymentContext does not contain any EJB" from Payara's
            // EJB deployer for the unchanged WAR, while three other members deployed it. Launched once more.
            System.err.println(name + ": Payara Micro failed to deploy the WAR (" + logFile + "); launching it again");
            stop();
            launch();
            last = StatusPoller.awaitOk(HTTP, process, status, deadline, this::launchFailed);
        }
        if (last == null) {
            return;
        }
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " " + last + " while starting; see " + logFile + "\n" + tail());
        }
        stop();
        throw new IllegalStateException(name + " did not answer GET " + status + " with 200 by "
                + deadline + " (last: " + last + "); see " + logFile + "\n" + tail());
    }

    private static final String DEPLOY_FAILED = "the deployment failed (Exception while preparing the app)";
    private static final String PORT_TAKEN = "its HTTP port was taken (Address already in use)";

    /**
     * {@link #DEPLOY_FAILED} or {@link #PORT_TAKEN} when the log since the last launch says Payara failed
     * to deploy the WAR or to bind its port.
     */
    private String launchFailed() {
        String log = log();
        int launchedAt = Math.max(0, log.lastIndexOf("\n==== "));
        // Not for a cluster member: Hazelcast reports its own ports' conflicts with the same words, and moves on.
        if (cluster == null && log.indexOf("Address already in use", launchedAt) >= 0) {
            return PORT_TAKEN;
        }
        return log.indexOf("Exception while preparing the app", launchedAt) >= 0 ? DEPLOY_FAILED : null;
    }

    /** The end of the server log, for failure messages. */
    private String tail() {
        return ServerTools.tail(logFile, 40);
    }

    private static Path requiredPath(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property
                    + " is not set (the failsafe configuration in pom.xml sets it)");
        }
        Path path = Path.of(value);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(property + "=" + value + " does not exist; run mvn package first");
        }
        return path;
    }

    /** A port free right now on the loopback interface; the server binds it moments later. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /** Settings for one server; everything but the name is optional. */
    public static final class Builder {
        private final String name;
        private Path microJar;
        private Path war;
        private int port;
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>(List.of(TestJvm.SERVER_OPTIONS));
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private Cluster cluster;
        private final List<Path> libraries = new ArrayList<>();
        private final List<String> postBootCommands = new ArrayList<>();
        private boolean asJar;

        private Builder(String name) {
            if (!name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("name is used in file names: letters, digits, . _ - only");
            }
            this.name = name;
        }

        public Builder microJar(Path jar) {
            this.microJar = jar;
            return this;
        }

        /**
         * Exactly {@code java -jar payara-micro.jar}, which unpacks its runtime under {@code java.io.tmpdir},
         * instead of the shared {@link MicroRuntime}: for a test of the README's command line itself.
         */
        public Builder asJar() {
            this.asJar = true;
            return this;
        }

        public Builder war(Path war) {
            this.war = war;
            return this;
        }

        /** A fixed port; by default a free one is chosen. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** A {@code -Dkey=value} for the server JVM, e.g. {@code roomcast.dev-mode=true}. */
        public Builder systemProperty(String key, String value) {
            systemProperties.put(key, value);
            return this;
        }

        /** An environment variable for the server, e.g. {@code ROOMCAST_HEARTBEAT_INTERVAL=2}. */
        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /** Replaces the default JVM options ({@link TestJvm#SERVER_OPTIONS}). */
        public Builder jvmOptions(String... options) {
            jvmOptions.clear();
            jvmOptions.addAll(List.of(options));
            return this;
        }

        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = timeout;
            return this;
        }

        /**
         * A jar for the server's own class path ({@code --addLibs}), as an operator adds a JDBC driver for
         * a DataSource the server defines.
         */
        public Builder addLib(Path jar) {
            libraries.add(jar);
            return this;
        }

        /**
         * asadmin commands run once the server has booted, before the WAR is deployed
         * ({@code --postbootcommandfile}), e.g. {@code create-jdbc-connection-pool ...}.
         */
        public Builder postBootCommands(List<String> commands) {
            postBootCommands.addAll(commands);
            return this;
        }

        /** A member of a Hazelcast cluster on loopback instead of {@code --nocluster}. */
        public Builder cluster(Cluster membership) {
            this.cluster = membership;
            return this;
        }

        /** Builds and launches without waiting; see {@link PayaraMicroProcess#launch()}. */
        public PayaraMicroProcess launch() {
            return new PayaraMicroProcess(this).launch();
        }

        /** Builds and starts; see {@link PayaraMicroProcess#start()}. */
        public PayaraMicroProcess start() {
            return new PayaraMicroProcess(this).start();
        }

        /** Builds without starting. */
        public PayaraMicroProcess build() {
            return new PayaraMicroProcess(this);
        }
    }
}
