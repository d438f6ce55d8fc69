package io.roomcast.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Roomcast on a WildFly of its own, as a child process: the WildFly the build unpacked
 * ({@code wildfly.home}) with a fresh copy of a configured {@code standalone/} under
 * {@code target/<name>-base}, and {@code target/roomcast.war} deployed there as {@code ROOT.war}
 * (served at /). The configuration is the shipped one: {@code src/main/wildfly/roomcast.cli} (system
 * property {@code roomcast.wildflyCli}) applied as an operator would ({@code jboss-cli.sh --file=...},
 * embed-server mode), once per test JVM into {@code target/wildfly-template}, which every server then
 * copies (jboss-cli costs about 10 s). The JVM is started directly (not through standalone.sh), so the
 * PID held is the server's and a SIGTERM reaches it.
 *
 * <p>Its ports are WildFly's defaults shifted by an offset chosen so that they are all free and below
 * the ephemeral ports ({@link ListenPorts}). Output goes to {@code target/<name>.log}.
 */
public final class WildFlyProcess extends ServerProcess {

    private static final Duration STARTUP_TIMEOUT = PayaraMicroProcess.DEFAULT_STARTUP_TIMEOUT;
    private static final Duration CLI_TIMEOUT = Duration.ofMinutes(3);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    /** WildFly's default socket bindings in standalone.xml (http, https, ajp, management, txn). */
    private static final int[] DEFAULT_PORTS = {8080, 8443, 8009, 9990, 9993, 4712, 4713};
    /** What WildFly's bin/common.sh gives a Java 17 JVM (as bench/lib/servers.js). */
    private static final List<String> MODULE_OPTIONS = List.of(
            "--add-exports=java.desktop/sun.awt=ALL-UNNAMED",
            "--add-exports=java.naming/com.sun.jndi.ldap=ALL-UNNAMED",
            "--add-exports=java.naming/com.sun.jndi.url.ldap=ALL-UNNAMED",
            "--add-exports=java.naming/com.sun.jndi.url.ldaps=ALL-UNNAMED",
            "--add-exports=jdk.naming.dns/com.sun.jndi.dns=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.security=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.management/javax.management=ALL-UNNAMED",
            "--add-opens=java.naming/javax.naming=ALL-UNNAMED",
            "--add-modules=java.se");

    private final String name;
    private final Path home;
    private final Path war;
    private final Path base;
    private final Path logFile;
    private final Map<String, String> systemProperties;
    private final String bindAddress;
    private final List<Path> scripts;
    private final List<String> cli;
    private final int offset;

    private WildFlyProcess(Builder b) {
        super(b.name);
        this.name = b.name;
        this.home = Path.of(required("wildfly.home"));
        this.war = Path.of(required("roomcast.war")).toAbsolutePath();
        Path buildDir = war.getParent();
        this.base = buildDir.resolve(name + "-base");
        this.logFile = buildDir.resolve(name + ".log");
        this.systemProperties = Map.copyOf(b.systemProperties);
        this.bindAddress = b.bindAddress;
        this.scripts = List.copyOf(b.scripts);
        this.cli = List.copyOf(b.cli);
        this.offset = ListenPorts.reserve(1, DEFAULT_PORTS);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    @Override
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + (8080 + offset) + "/");
    }

    /** The management interface (on loopback), where WildFly serves {@code /health/*}. */
    @Override
    public URI healthUri() {
        return URI.create("http://127.0.0.1:" + (9990 + offset) + "/");
    }

    /**
     * Modules of this server's own ({@code <base>/modules}, on its module path after WildFly's): where
     * {@link Builder#cli} commands put a {@code module add}, so the unpacked WildFly that every test's
     * server shares stays as unpacked.
     */
    public Path modules() {
        return base.resolve("modules");
    }

    /** The server's configuration directory (its standalone.xml), in the copy this process runs on. */
    public Path configuration() {
        return base.resolve("configuration");
    }

    /** Stop, then start again on the same ports (the same offset), from a fresh copy of the configuration. */
    @Override
    public synchronized WildFlyProcess restart() {
        stop();
        return start();
    }

    private WildFlyProcess start() {
        try {
            ServerTools.deleteTree(base);
            copyStandalone(Template.DIRECTORY, base);
            for (Path script : scripts) {
                applyCli(home, base, script, logFile);
            }
            Files.copy(war, base.resolve("deployments").resolve("ROOT.war"), StandardCopyOption.REPLACE_EXISTING);
            if (!cli.isEmpty()) {
                applyOwnCli();
            }
            log("==== " + Instant.now() + " starting " + String.join(" ", command()));
            process = new ProcessBuilder(command()).directory(base.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not launch WildFly for " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted configuring WildFly for " + name, e);
        }
        URI status = baseUri().resolve("api/status");
        String last = StatusPoller.awaitOk(HTTP, process, status, Instant.now().plus(STARTUP_TIMEOUT));
        if (last != null) {
            stop();
            throw new IllegalStateException(name + ": GET " + status + " never answered 200 (last: " + last
                    + "); see " + logFile + " and " + base.resolve("log/server.log"));
        }
        return this;
    }

    /**
     * The shipped configuration, made once per test JVM (on first use, by class initialisation, so once
     * even when servers start side by side): {@code standalone/} as unpacked with roomcast.cli applied.
     */
    private static final class Template {
        static final Path DIRECTORY = prepare();

        private static Path prepare() {
            Path home = Path.of(required("wildfly.home"));
            Path buildDir = Path.of(required("roomcast.war")).toAbsolutePath().getParent();
            Path template = buildDir.resolve("wildfly-template");
            Path log = buildDir.resolve("wildfly-template.log");
            try {
                ServerTools.deleteTree(template);
                copyStandalone(home.resolve("standalone"), template);
                applyCli(home, template, Path.of(required("roomcast.wildflyCli")), log);
                ServerTools.deleteTree(template.resolve("data")); // what the embedded server left: each copy starts clean
                ServerTools.deleteTree(template.resolve("tmp"));
                ServerTools.deleteTree(template.resolve("log"));
                return template;
            } catch (IOException e) {
                throw new UncheckedIOException("could not prepare " + template + "; see " + log, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted preparing " + template, e);
            }
        }
    }

    /**
     * The {@link Builder#cli} commands, on this server's own copy of the configuration (embed-server, as
     * roomcast.cli is applied); {@code {modules}} in them stands for {@link #modules()}.
     */
    private void applyOwnCli() throws IOException {
        Files.createDirectories(modules());
        Path script = war.getParent().resolve(name + ".cli");
        List<String> lines = new ArrayList<>();
        lines.add("embed-server --std-out=discard --server-config=standalone.xml");
        cli.forEach(command -> lines.add(command.replace("{modules}", modules().toString())));
        lines.add("stop-embedded-server");
        Files.write(script, lines, StandardCharsets.UTF_8);
        try {
            applyCli(home, base, script, logFile);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted applying " + script, e);
        }
    }

    /** A standalone/ directory without what a run left there (data, tmp, log). */
    private static void copyStandalone(Path source, Path target) throws IOException {
        ServerTools.copyTree(source, target, relative -> relative.getNameCount() > 0
                && List.of("data", "tmp", "log").contains(relative.getName(0).toString()));
    }

    /** {@code jboss-cli.sh --file=script} against a copy of standalone/, as the script's own embed-server line runs it. */
    private static void applyCli(Path home, Path base, Path script, Path logFile) throws IOException, InterruptedException {
        List<String> cli = List.of(home.resolve("bin/jboss-cli.sh").toString(),
                "-Djboss.server.base.dir=" + base, "--file=" + script.toAbsolutePath());
        ServerTools.note(logFile, "applying " + String.join(" ", cli));
        ProcessBuilder builder = new ProcessBuilder(cli).directory(base.toFile());
        // jboss-cli.sh passes JAVA_OPTS to its JVM: C1 only, as the servers (5.9 s of CPU to 3.2 s for roomcast.cli)
        builder.environment().put("JAVA_OPTS", String.join(" ", TestJvm.SERVER_OPTIONS));
        if (Files.isDirectory(base.resolve("modules"))) { // a server's own modules: the embedded server sees them too
            builder.environment().put("JBOSS_MODULEPATH", home.resolve("modules").toAbsolutePath()
                    + java.io.File.pathSeparator + base.resolve("modules"));
        }
        ServerTools.runLogged(builder, logFile, CLI_TIMEOUT, script.toString());
    }

    private List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms64m");
        cmd.addAll(List.of(TestJvm.SERVER_OPTIONS));
        cmd.addAll(MODULE_OPTIONS);
        cmd.add("-Djboss.home.dir=" + home.toAbsolutePath());
        cmd.add("-Djboss.server.base.dir=" + base);
        cmd.add("-Dorg.jboss.boot.log.file=" + base.resolve("log/server.log"));
        cmd.add("-Dlogging.configuration=file:" + base.resolve("configuration/logging.properties"));
        cmd.add("-Djava.net.preferIPv4Stack=true");
        cmd.add("-Djboss.bind.address=" + bindAddress);
        cmd.add("-Djboss.bind.address.management=127.0.0.1");
        cmd.add("-Djboss.socket.binding.port-offset=" + offset);
        systemProperties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of("-jar", home.resolve("jboss-modules.jar").toAbsolutePath().toString(),
                "-mp", home.resolve("modules").toAbsolutePath() + java.io.File.pathSeparator + modules(),
                "org.jboss.as.standalone", "-c=standalone.xml"));
        return cmd;
    }

    private void log(String line) throws IOException {
        Files.writeString(logFile, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String required(String property) {
        return ServerTools.required(property, "wildfly");
    }

    /** Settings for one server; everything but the name is optional. */
    public static final class Builder {
        private final String name;
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private String bindAddress = "127.0.0.1";
        private final List<Path> scripts = new ArrayList<>();
        private final List<String> cli = new ArrayList<>();

        private Builder(String name) {
            if (!name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("name is used in file names: letters, digits, . _ - only");
            }
            this.name = name;
        }

        /** A {@code -Dkey=value} for the server JVM, e.g. {@code roomcast.shutdown.grace=600}. */
        public Builder systemProperty(String key, String value) {
            systemProperties.put(key, value);
            return this;
        }

        /**
         * The address the HTTP listener binds (management stays on loopback): {@code 0.0.0.0} for a
         * server the tests also reach through the machine's own address (see {@link TargetServer#publicBase}).
         */
        public Builder bindAddress(String address) {
            this.bindAddress = address;
            return this;
        }

        /** A jboss-cli script applied, after roomcast.cli, to this server's copy of the configuration (e.g. tracing.cli). */
        public Builder cliScript(Path script) {
            scripts.add(script.toAbsolutePath());
            return this;
        }

        /**
         * jboss-cli commands applied to this server's own configuration before each start, as an operator
         * would (an embedded server), e.g. {@code data-source add ...}; {@code {modules}} stands for
         * {@link WildFlyProcess#modules()}, for {@code module add ... --module-root-dir={modules}}.
         */
        public Builder cli(List<String> commands) {
            cli.addAll(commands);
            return this;
        }

        public WildFlyProcess start() {
            return new WildFlyProcess(this).start();
        }
    }
}
