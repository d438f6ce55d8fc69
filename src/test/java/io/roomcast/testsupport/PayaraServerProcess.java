package io.roomcast.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Roomcast on a Payara Server 6 domain of its own, set up the way docs/DEPLOYMENT.md tells an operator
 * to: a domain ({@code domain1} as the distribution ships it, which is what {@code asadmin create-domain
 * --nopassword} makes), {@code start-domain}, {@code multimode --file src/main/payara/payara-server.asadmin}
 * (system property {@code roomcast.payaraServerScript}), then {@code asadmin deploy --contextroot /
 * target/roomcast.war} on the domain started with those settings. The Payara Server is the one the build
 * unpacked ({@code payara.home}).
 *
 * <p>{@code create-domain} spent 13 s on one core making a domain's keys (so domain1 is copied instead),
 * and the script needs a running domain and then a restart, so that happens once per test JVM, into a template domain
 * ({@code target/payara-domains/roomcast-template}, like {@link WildFlyProcess}'s template), which is
 * stopped afterwards. Every server is a copy of it under {@code target/payara-domains/<name>} whose
 * ports are moved to a base found free ({@link ListenPorts}) (every port the domain opens is the base plus a fixed offset,
 * as {@code create-domain --portbase} lays them out), started with {@code asadmin start-domain}, the
 * WAR then deployed with {@code asadmin deploy --contextroot /}. The HTTP listener listens on every
 * interface (as {@link TargetServer#publicBase} needs), everything else on loopback.
 *
 * <p>Roomcast's settings reach the domain's JVM as environment variables of {@code asadmin
 * start-domain}, which the JVM it launches inherits ({@code roomcast.jwt.public-key} as
 * {@code ROOMCAST_JWT_PUBLIC_KEY}: MicroProfile Config's own mapping): values such as PEM keys cannot
 * travel in {@code create-jvm-options}. The domain's JVM options are the script's with the test
 * servers' heap and compiler ({@link TestJvm#SERVER_OPTIONS}) in place of the script's heap.
 *
 * <p>{@code start-domain} forks the domain's JVM and exits, so that JVM is not a child of the test
 * JVM: its PID is read from the domain's {@code config/pid}, and the process handle this class holds
 * (and signals: SIGTERM, SIGKILL, SIGSTOP only to that PID) is that JVM's. {@link #stop()} runs
 * {@code asadmin stop-domain} and kills that PID if it is still alive after it. Every asadmin the
 * class runs is a child it waits for. Output of the asadmin commands: {@code target/<name>.log}; the
 * domain's own log: {@code target/payara-domains/<name>/logs/server.log}.
 */
public final class PayaraServerProcess extends ServerProcess {

    /** For the template's commands, run once per test JVM. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);
    /**
     * For each step of a server's start (start-domain, deploy, the first 200): each takes 10-40 s on two
     * busy cores; asadmin's own start-domain default is 600 s, and a failed step is tried again.
     */
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(150);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    /**
     * Where {@code create-domain --portbase B} puts each port the domain opens, as B + offset: debugger,
     * IIOP, IIOP/SSL, IIOP mutual auth, admin, Hazelcast DAS, Hazelcast start, OSGi shell, JMS, HTTP,
     * HTTPS, JMX.
     */
    private static final int[] PORT_OFFSETS = {9, 37, 38, 39, 48, 49, 59, 66, 76, 80, 81, 86};
    private static final String TEMPLATE = "roomcast-template";
    /** The domain the distribution ships, which the template copies. */
    private static final String DOMAIN1 = "glassfish/domains/domain1";
    /** domain1's ports, in the order of {@link #PORT_OFFSETS}: each is what {@code --portbase} puts at its offset. */
    private static final int[] DOMAIN1_PORTS = {9009, 3700, 3820, 3920, 4848, 4900, 5900, 6666, 7676, 8080, 8181, 8686};

    private final String name;
    private final Path home;
    private final Path war;
    private final Path domains;
    private final Path logFile;
    private final Map<String, String> settings;
    private int portBase;

    private PayaraServerProcess(Builder b) {
        super(b.name);
        this.name = b.name;
        this.home = Path.of(required("payara.home"));
        this.war = Path.of(required("roomcast.war")).toAbsolutePath();
        this.domains = war.getParent().resolve("payara-domains");
        this.logFile = war.getParent().resolve(name + ".log");
        this.settings = Map.copyOf(b.settings);
        this.portBase = ListenPorts.reserve(100, PORT_OFFSETS);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    @Override
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + (portBase + 80) + "/");
    }

    /** The domain's admin port, on loopback: {@code asadmin --port <it>}. */
    public int adminPort() {
        return portBase + 48;
    }

    /** The domain's directory, {@code target/payara-domains/<name>}. */
    public Path domainDirectory() {
        return domains.resolve(name);
    }

    /** Stop, then start again on the same ports from a fresh copy of the template, deploying the WAR again. */
    @Override
    public synchronized PayaraServerProcess restart() {
        stop();
        return start(false);
    }

    /**
     * A fresh copy of the template started and the WAR deployed, once more if that fails (on other ports
     * if {@code mayMovePorts}): the domain's JVM runs on without a listener whose port was taken between
     * the check and its bind (asadmin then waits for an admin port that never answers), and a start has
     * failed on CI for a reason its output did not show. What the failed start logged stays
     * beside the copy, and when the second fails too, the failure (whose message is all that CI prints)
     * says why each of them failed.
     */
    private PayaraServerProcess start(boolean mayMovePorts) {
        IllegalStateException first;
        try {
            return startOnce();
        } catch (IllegalStateException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw e;
            }
            first = e;
        }
        keepFailedStart(first, mayMovePorts);
        try {
            return startOnce();
        } catch (IllegalStateException again) {
            again.addSuppressed(first);
            // the second's reasons follow as the cause (ServerTools.reasons), the first's are named here
            throw new IllegalStateException(name + ": started twice, failed twice; the first: "
                    + ServerTools.reasons(first), again);
        }
    }

    private PayaraServerProcess startOnce() {
        Path domain = domainDirectory();
        try {
            Template.copyTo(domain, name, portBase);
            asadmin(home, logFile, environment(), STEP_TIMEOUT, "start-domain", "--timeout",
                    Long.toString(STEP_TIMEOUT.toSeconds()), "--domaindir", domains.toString(), name);
            process = new DomainJvm(ProcessHandle.of(readPid(domain)).orElseThrow(() ->
                    new IllegalStateException(name + ": the domain's JVM ended as it started; see " + serverLog())));
            asadmin(home, logFile, Map.of(), STEP_TIMEOUT, "--port", Integer.toString(adminPort()),
                    "deploy", "--contextroot", "/", war.toString());
        } catch (IOException | RuntimeException e) {
            adoptStarted(domain);
            stop();
            throw new IllegalStateException(name + ": the Payara Server domain did not start with the WAR: "
                    + ServerTools.reasons(e) + "\nsee " + logFile + " and " + serverLog() + ", which ends:\n"
                    + ServerTools.tail(serverLog(), 30), e);
        } catch (InterruptedException e) {
            adoptStarted(domain);
            stop();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted starting " + name, e);
        }
        URI status = baseUri().resolve("api/status");
        String last = StatusPoller.awaitOk(HTTP, process, status, Instant.now().plus(STEP_TIMEOUT));
        if (last != null) {
            stop();
            throw new IllegalStateException(name + ": GET " + status + " never answered 200 after the deploy (last: "
                    + last + "); see " + logFile + " and " + serverLog());
        }
        logCpu("ready");
        return this;
    }

    private void keepFailedStart(IllegalStateException failure, boolean mayMovePorts) {
        try {
            Path failed = domainDirectory().resolveSibling(name + "-failed-start.log");
            Files.deleteIfExists(failed);
            if (Files.exists(serverLog())) {
                Files.copy(serverLog(), failed);
            }
            int previous = portBase;
            if (mayMovePorts) {
                portBase = ListenPorts.reserve(100, PORT_OFFSETS);
            }
            ServerTools.note(logFile, "the start on port base " + previous + " failed (" + ServerTools.reasons(failure)
                    + "); its server log: " + failed + "; again on port base " + portBase);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * {@code asadmin stop-domain} (Payara stops the application and the domain; no SIGTERM, so no drain),
     * then SIGKILL to the domain's JVM if it still runs after that, and the wait for it to be gone.
     */
    @Override
    public synchronized void stop() {
        Process jvm = process;
        if (jvm == null) {
            return;
        }
        try {
            if (jvm.isAlive()) {
                logCpu("stopping");
                try {
                    asadmin(home, logFile, Map.of(), "stop-domain", "--domaindir", domains.toString(), name);
                } catch (IOException | RuntimeException e) {
                    // the kill below ends it; the log has what stop-domain said
                }
            }
            if (!jvm.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                jvm.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            jvm.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /**
     * After a start that failed before the PID was read (start-domain timed out, say): the JVM it
     * launched, if any, so that {@link #stop()} ends it.
     */
    private void adoptStarted(Path domain) {
        if (process != null) {
            return;
        }
        try {
            ProcessHandle.of(readPid(domain)).ifPresent(jvm -> process = new DomainJvm(jvm));
        } catch (IOException | RuntimeException e) {
            // no pid file: no JVM of this start wrote one
        }
    }

    /**
     * Notes the CPU time the domain's JVM has used so far in the log: it is no child of the test JVM, so
     * no {@code time} of the build counts it (docs/TESTING.md gives the pass's cost from these lines).
     */
    private void logCpu(String when) {
        Process jvm = process;
        try {
            noteCpu(logFile, when, jvm == null ? Optional.empty() : Optional.of(jvm.toHandle()));
        } catch (IOException e) {
            // a note only
        }
    }

    private static void noteCpu(Path log, String when, Optional<ProcessHandle> jvm) throws IOException {
        String cpu = jvm.flatMap(p -> p.info().totalCpuDuration())
                .map(d -> String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0)).orElse("?");
        ServerTools.note(log, when + ": the domain's JVM has used " + cpu + " of CPU");
    }

    /** Roomcast's settings as the environment variables MicroProfile Config maps them from. */
    private Map<String, String> environment() {
        return settings.entrySet().stream().collect(Collectors.toMap(
                e -> e.getKey().replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT), Map.Entry::getValue));
    }

    private Path serverLog() {
        return domainDirectory().resolve("logs/server.log");
    }

    /** The PID the domain's JVM wrote to {@code config/pid} as it started (start-domain returns after that). */
    private static long readPid(Path domain) throws IOException {
        return Long.parseLong(Files.readString(domain.resolve("config/pid")).trim());
    }

    /**
     * Runs {@code asadmin args...} with the test JVM's Java, its output appended to {@code log}, and fails
     * unless it exits with 0 within {@link #COMMAND_TIMEOUT} (or the given timeout). Its own JVM compiles with C1 only, as the
     * servers do ({@code AS_EXTRA_JAVA_OPTS}, read by bin/asadmin).
     */
    private static void asadmin(Path home, Path log, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        asadmin(home, log, env, COMMAND_TIMEOUT, args);
    }

    private static void asadmin(Path home, Path log, Map<String, String> env, Duration timeout, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/asadmin").toString());
        command.add("--interactive=false");
        command.addAll(Arrays.asList(args));
        ServerTools.note(log, String.join(" ", command));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("AS_JAVA", System.getProperty("java.home"));
        builder.environment().put("AS_EXTRA_JAVA_OPTS", "-XX:TieredStopAtLevel=1");
        builder.environment().put("TERM", "dumb");
        builder.environment().putAll(env);
        ServerTools.runLogged(builder, log, timeout, "asadmin " + String.join(" ", args));
    }

    /**
     * The domain every server copies, made once per test JVM (on first use, by class initialisation, so
     * once even when servers start side by side): created, started, given the shipped script and the test
     * servers' JVM options, stopped.
     */
    private static final class Template {
        private static final Layout LAYOUT = prepare();

        private record Layout(Path domains, int portBase) {
        }

        private static Layout prepare() {
            Path home = Path.of(required("payara.home"));
            Path buildDir = Path.of(required("roomcast.war")).toAbsolutePath().getParent();
            Path domains = buildDir.resolve("payara-domains");
            Path log = buildDir.resolve("payara-template.log");
            Path testLines = buildDir.resolve("payara-template-test.asadmin");
            int base = ListenPorts.reserve(100, PORT_OFFSETS);
            String adminPort = Integer.toString(base + 48);
            try {
                ServerTools.deleteTree(domains.resolve(TEMPLATE));
                Files.createDirectories(domains);
                // The distribution's own domain1, as create-domain --nopassword makes it, without the 13 s
                // on one core that create-domain spends making its keys: its ports moved onto the base.
                ServerTools.note(log, "copying " + home.resolve(DOMAIN1) + " as " + TEMPLATE + " on port base " + base);
                ServerTools.copyTree(home.resolve(DOMAIN1), domains.resolve(TEMPLATE), relative -> relative.getNameCount() > 0
                        && List.of("logs", "osgi-cache", "generated", "session-store").contains(relative.getName(0).toString()));
                rewrite(domains.resolve(TEMPLATE), "domain1", TEMPLATE, DOMAIN1_PORTS, base);
                // The template's one boot compiles with C1 too: its domain.xml does not say so yet.
                asadmin(home, log, Map.of("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1"),
                        "start-domain", "--domaindir", domains.toString(), TEMPLATE);
                try {
                    asadmin(home, log, Map.of(), "--port", adminPort, "multimode", "--file",
                            Path.of(required("roomcast.payaraServerScript")).toAbsolutePath().toString());
                    Files.writeString(testLines, testLines());
                    asadmin(home, log, Map.of(), "--port", adminPort, "multimode", "--file", testLines.toString());
                } finally {
                    String pid = Files.readString(domains.resolve(TEMPLATE).resolve("config/pid")).trim();
                    noteCpu(log, "stopping", ProcessHandle.of(Long.parseLong(pid)));
                    asadmin(home, log, Map.of(), "stop-domain", "--domaindir", domains.toString(), TEMPLATE);
                }
                Path template = domains.resolve(TEMPLATE);
                ServerTools.deleteTree(template.resolve("logs")); // what the boot left: each copy starts clean
                Files.deleteIfExists(template.resolve("config/pid.prev"));
                Files.deleteIfExists(template.resolve("config/domain.xml.bak"));
                return new Layout(domains, base);
            } catch (IOException e) {
                throw new UncheckedIOException("could not prepare the Payara Server template domain; see " + log, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted preparing the Payara Server template domain", e);
            }
        }

        /**
         * What the test servers have beyond the shipped script: their heap and compiler instead of the
         * script's heap, and every listener but HTTP on loopback.
         */
        private static String testLines() {
            String options = Arrays.stream(TestJvm.SERVER_OPTIONS).map(o -> o.replace(":", "\\\\:"))
                    .collect(Collectors.joining(":"));
            String listeners = "configs.config.server-config.";
            return String.join("\n",
                    "delete-jvm-options -Xms2g:-Xmx2g",
                    "create-jvm-options " + options,
                    "set " + listeners + "network-config.network-listeners.network-listener.admin-listener.address=127.0.0.1",
                    "set " + listeners + "network-config.network-listeners.network-listener.http-listener-2.address=127.0.0.1",
                    "set " + listeners + "iiop-service.iiop-listener.orb-listener-1.address=127.0.0.1",
                    "set " + listeners + "iiop-service.iiop-listener.SSL.address=127.0.0.1",
                    "set " + listeners + "iiop-service.iiop-listener.SSL_MUTUALAUTH.address=127.0.0.1",
                    "set " + listeners + "admin-service.jmx-connector.system.address=127.0.0.1") + "\n";
        }

        /**
         * A copy of the template as domain {@code name} (replacing an earlier one), its ports moved from
         * the template's base to {@code portBase}.
         */
        static void copyTo(Path target, String name, int portBase) throws IOException {
            Layout layout = LAYOUT;
            Path source = layout.domains().resolve(TEMPLATE);
            ServerTools.deleteTree(target);
            ServerTools.copyTree(source, target, relative -> false);
            int[] templatePorts = new int[PORT_OFFSETS.length];
            for (int i = 0; i < PORT_OFFSETS.length; i++) {
                templatePorts[i] = layout.portBase() + PORT_OFFSETS[i];
            }
            rewrite(target, TEMPLATE, name, templatePorts, portBase);
        }

        /**
         * The domain's name {@code from} as {@code to}, and each of its ports {@code ports[i]} (in the order
         * of {@link #PORT_OFFSETS}) as {@code base + PORT_OFFSETS[i]}, in its configuration files.
         */
        private static void rewrite(Path domain, String from, String to, int[] ports, int base) throws IOException {
            for (String config : List.of("config/domain.xml", "config/glassfish-acc.xml")) {
                Path file = domain.resolve(config);
                String text = Files.readString(file).replace(from, to);
                for (int i = 0; i < PORT_OFFSETS.length; i++) {
                    text = text.replaceAll("(?<![0-9])" + ports[i] + "(?![0-9])", Integer.toString(base + PORT_OFFSETS[i]));
                }
                Files.writeString(file, text);
            }
        }
    }

    private static String required(String property) {
        return ServerTools.required(property, "payara-server");
    }

    /**
     * The domain's JVM, which asadmin forked and which is no child of the test JVM, as a {@link Process}
     * for {@link ServerProcess}: signals go to its PID, waits watch its handle. Its exit code is not ours
     * to read (only a parent gets it): -1 once it ended.
     */
    private static final class DomainJvm extends Process {
        private final ProcessHandle handle;

        DomainJvm(ProcessHandle handle) {
            this.handle = handle;
        }

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream getInputStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public InputStream getErrorStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public int waitFor() throws InterruptedException {
            try {
                handle.onExit().get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
            return -1;
        }

        @Override
        public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
            try {
                handle.onExit().get(timeout, unit);
                return true;
            } catch (TimeoutException e) {
                return !handle.isAlive();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }

        @Override
        public int exitValue() {
            if (handle.isAlive()) {
                throw new IllegalThreadStateException("the domain's JVM " + handle.pid() + " is running");
            }
            return -1;
        }

        @Override
        public void destroy() {
            handle.destroy();
        }

        @Override
        public Process destroyForcibly() {
            handle.destroyForcibly();
            return this;
        }

        @Override
        public boolean isAlive() {
            return handle.isAlive();
        }

        @Override
        public long pid() {
            return handle.pid();
        }

        @Override
        public ProcessHandle toHandle() {
            return handle;
        }

        @Override
        public CompletableFuture<Process> onExit() {
            return handle.onExit().thenApply(h -> this);
        }
    }

    /** Settings for one server; everything but the name is optional. */
    public static final class Builder {
        private final String name;
        private final Map<String, String> settings = new LinkedHashMap<>();

        private Builder(String name) {
            if (!name.matches("[A-Za-z0-9._-]+") || name.equals(TEMPLATE)) {
                throw new IllegalArgumentException("name is used in file names: letters, digits, . _ - only");
            }
            this.name = name;
        }

        /** A Roomcast setting ({@code roomcast.shutdown.grace=600}), given to the domain as its environment variable. */
        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        public PayaraServerProcess start() {
            return new PayaraServerProcess(this).start(true);
        }
    }
}
