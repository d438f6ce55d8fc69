package io.roomcast.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.PayaraMicroProcess;
import io.roomcast.testsupport.TargetServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A server deployed the way README's "Deploy it" says runs with the container settings the benchmark
 * measured, read back from the running server: on WildFly through its management interface
 * ({@code jboss-cli.sh --connect}, {@code :read-attribute}) of the shared server, whose configuration
 * is standalone.xml with the shipped {@code roomcast.cli} applied by {@code jboss-cli.sh --file}
 * (testsupport/WildFlyProcess); on Payara Micro in the configuration the instance booted with after
 * the shipped {@code --prebootcommandfile} (the domain.xml of its runtime directory). The expected
 * values are the benchmark's: bench/config.js for WildFly, {@link #PAYARA_MEASURED} (docs/BENCHMARKS.md)
 * for Payara Micro. If a script stops applying one, this fails.
 */
class ShippedSettingsIT extends DeployedRoomcast {

    private static final Path BASEDIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));

    /** WildFly's management resource of each attribute group of bench/config.js's roomcast-wildfly server. */
    private static final Map<String, String> WILDFLY_RESOURCES = Map.of(
            "websockets", "/subsystem=undertow/servlet-container=default/setting=websockets",
            "ioWorker", "/subsystem=io/worker=default");

    /**
     * One attribute of domain.xml: of the first {@code <element>} at or after {@code within}, with
     * {@code name="<name>"} when a name is given.
     */
    private record DomainSetting(String within, String element, String name, String attribute, String value) {
    }

    /**
     * What the Payara Micro runs of docs/BENCHMARKS.md used (src/main/payara/pre-boot.asadmin, which
     * bench/lib/servers.js passes to every run).
     */
    private static final List<DomainSetting> PAYARA_MEASURED = List.of(
            new DomainSetting("<thread-pools>", "thread-pool", "http-thread-pool", "max-thread-pool-size", "32"),
            new DomainSetting("<thread-pools>", "thread-pool", "http-thread-pool", "idle-thread-timeout-seconds", "10"),
            new DomainSetting("<protocol name=\"http-listener\"", "http", null, "websockets-support-enabled", "false"));

    @Test
    void wildFlyRunsTheMeasuredWebSocketAndIoWorkerSettings() throws Exception {
        assumeTrue(TargetServer.isWildFly(), "the WildFly pass reads WildFly's management interface");
        Map<String, String> measured = wildFlyMeasured();
        assertThat(measured).as("bench/config.js names the measured WildFly settings").isNotEmpty();

        List<String> operations = new ArrayList<>();
        List<String> names = new ArrayList<>();
        measured.forEach((attribute, value) -> {
            operations.add(attribute.substring(0, attribute.indexOf(':')) + ":read-attribute(name="
                    + attribute.substring(attribute.indexOf(':') + 1) + ")");
            names.add(attribute);
        });
        List<String> values = readWildFly(server.healthBase().getPort(), operations);

        Map<String, String> running = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            running.put(names.get(i), values.get(i));
        }
        assertThat(running).isEqualTo(measured);
    }

    @Test
    void payaraMicroRunsTheMeasuredPreBootSettings() throws Exception {
        assumeTrue(!TargetServer.isWildFly(), "the Payara Micro pass reads Payara Micro's configuration");
        Path buildDir = Path.of(System.getProperty("roomcast.war")).toAbsolutePath().getParent();
        String name = "shipped-settings";
        deleteTree(buildDir.resolve(name + "-tmp")); // so that the runtime directory found is this instance's
        // The README's command: --deploy, --contextroot /, --nocluster, --prebootcommandfile pre-boot.asadmin.
        try (PayaraMicroProcess payara = PayaraMicroProcess.builder(name).asJar().start()) {
            Path domainXml;
            try (Stream<Path> runtimes = Files.list(buildDir.resolve(name + "-tmp"))) {
                domainXml = runtimes.filter(d -> d.getFileName().toString().startsWith("payaramicro-rt"))
                        .map(d -> d.resolve("config/domain.xml")).filter(Files::exists).findFirst().orElseThrow();
            }
            String config = Files.readString(domainXml);
            for (DomainSetting setting : PAYARA_MEASURED) {
                assertThat(attribute(config, setting)).as("%s of the running instance's %s", setting, domainXml)
                        .isEqualTo(setting.value());
            }
        }
    }

    /**
     * bench/config.js's attributes of roomcast-wildfly ({@code websockets: 'dispatch-to-worker=false'},
     * {@code ioWorker: 'task-keepalive=10000'}), as {@code resource:attribute} to value.
     */
    private static Map<String, String> wildFlyMeasured() throws IOException {
        String config = Files.readString(BASEDIR.resolve("bench/config.js"));
        String wildfly = config.substring(config.indexOf("'roomcast-wildfly': {"));
        wildfly = wildfly.substring(0, wildfly.indexOf("\n    },"));
        Map<String, String> measured = new LinkedHashMap<>();
        for (Map.Entry<String, String> group : WILDFLY_RESOURCES.entrySet()) {
            Matcher m = Pattern.compile("\\b" + group.getKey() + ":\\s*'([^']*)'").matcher(wildfly);
            assertThat(m.find()).as("bench/config.js roomcast-wildfly has %s", group.getKey()).isTrue();
            for (String pair : m.group(1).split(",")) {
                if (!pair.isBlank()) {
                    String[] kv = pair.split("=", 2);
                    measured.put(group.getValue() + ":" + kv[0].trim(), kv[1].trim());
                }
            }
        }
        return measured;
    }

    /** Each operation's result, through {@code jboss-cli.sh --connect} to the server's management port. */
    private static List<String> readWildFly(int managementPort, List<String> operations) throws Exception {
        Path cli = Path.of(System.getProperty("wildfly.home"), "bin", "jboss-cli.sh");
        List<String> command = List.of(cli.toString(), "--connect", "--controller=remote+http://127.0.0.1:" + managementPort,
                "--output-json", "--commands=" + String.join(",", operations));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        assertThat(process.exitValue()).as(output).isZero();
        List<String> results = new ArrayList<>();
        Matcher m = Pattern.compile("\"result\"\\s*:\\s*\"?([^\",\\s}]+)\"?").matcher(output);
        while (m.find()) {
            results.add(m.group(1));
        }
        assertThat(results).as(output).hasSameSizeAs(operations);
        return results;
    }

    /** The setting's attribute in domain.xml: of the first matching start tag at or after {@code within}; null if none. */
    private static String attribute(String xml, DomainSetting setting) {
        int from = xml.indexOf(setting.within());
        if (from < 0) {
            return null;
        }
        Matcher tag = Pattern.compile("<" + Pattern.quote(setting.element()) + "[\\s>][^>]*>").matcher(xml);
        for (boolean found = tag.find(from); found; found = tag.find()) {
            if (setting.name() == null || tag.group().contains(" name=\"" + setting.name() + "\"")) {
                Matcher value = Pattern.compile("\\s" + Pattern.quote(setting.attribute()) + "=\"([^\"]*)\"")
                        .matcher(tag.group());
                return value.find() ? value.group(1) : null;
            }
        }
        return null;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(file);
            }
        }
    }
}
