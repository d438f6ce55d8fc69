package io.roomcast.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.TargetServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A Payara Server domain set up with docs/DEPLOYMENT.md's lines (testsupport/PayaraServerProcess) runs
 * with every setting of the shipped {@code src/main/payara/payara-server.asadmin}: read back from the
 * running domain with {@code asadmin get}, the way an operator checks, on the shared domain of
 * JsonProtocolIT's profile (no domain of its own). Only in the Payara Server pass.
 */
@RoomcastServer(Profile.QUIET)
class PayaraServerSettingsIT extends DeployedRoomcast {

    private static final String CONFIG = "configs.config.server-config.";

    @Test
    void aDomainSetUpWithTheDeployLinesRunsTheShippedWorkerPoolAndWebSocketSettings() throws Exception {
        assumeTrue(TargetServer.current() == TargetServer.PAYARA_SERVER, "the Payara Server pass reads a domain's settings");
        Map<String, String> shipped = shippedSets();
        assertThat(shipped).as("payara-server.asadmin's set lines").hasSize(4)
                .containsEntry(CONFIG + "network-config.protocols.protocol.http-listener-1.http.websockets-support-enabled", "false");

        for (Map.Entry<String, String> setting : shipped.entrySet()) {
            assertThat(asadminGet(setting.getKey())).as(setting.getKey()).isEqualTo(setting.getValue());
        }
    }

    @Test
    void theShippedJvmOptionsReplaceTheDomainsHeapWhichTheTestsReplaceInTurn() throws Exception {
        assumeTrue(TargetServer.current() == TargetServer.PAYARA_SERVER, "the Payara Server pass reads a domain's settings");
        String script = Files.readString(script());
        assertThat(script).contains("\ndelete-jvm-options -Xmx512m\n", "\ncreate-jvm-options -Xms2g:-Xmx2g:-XX\\\\:+UseG1GC\n");

        String options = asadmin("list-jvm-options");
        // The script's collector stays; its heap made way for the test servers' (testsupport/TestJvm).
        assertThat(options.lines().map(String::strip).toList()).contains("-XX:+UseG1GC", "-Xmx512m", "-XX:TieredStopAtLevel=1")
                .doesNotContain("-Xms2g", "-Xmx2g");
    }

    /** {@code set name=value} lines of the shipped script, in order. */
    private static Map<String, String> shippedSets() throws Exception {
        Map<String, String> sets = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(script())) {
            Matcher m = Pattern.compile("^set (\\S+)=(\\S+)$").matcher(line);
            if (m.matches()) {
                sets.put(m.group(1), m.group(2));
            }
        }
        return sets;
    }

    private static Path script() {
        return Path.of(System.getProperty("roomcast.payaraServerScript"));
    }

    /** The value {@code asadmin get name} prints for the running domain. */
    private String asadminGet(String name) throws Exception {
        String output = asadmin("get", name);
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "=(.*)$", Pattern.MULTILINE).matcher(output);
        assertThat(m.find()).as(output).isTrue();
        return m.group(1).trim();
    }

    /**
     * {@code asadmin --port <admin port> args...} against this class's domain: its admin port is the
     * HTTP port's base plus 48, as {@code create-domain --portbase} lays them out.
     */
    private String asadmin(String... args) throws Exception {
        int adminPort = server.base().getPort() - 80 + 48;
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("payara.home"), "bin", "asadmin").toString(),
                "--interactive=false", "--port", Integer.toString(adminPort)));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("AS_JAVA", System.getProperty("java.home"));
        builder.environment().put("TERM", "dumb");
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
