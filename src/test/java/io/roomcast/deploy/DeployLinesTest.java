package io.roomcast.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The deploy lines of README ("Deploy it") and docs/DEPLOYMENT.md start the server the benchmark
 * measured: its JVM options ({@code bench/config.js}, the main variant), Payara Micro's pre-boot file
 * and WildFly's {@code roomcast.cli}. What those files do to a running server: ShippedSettingsIT.
 */
class DeployLinesTest {

    private static final Path BASEDIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));

    @Test
    void theReadmeDeployLinesApplyTheMeasuredSettings() throws IOException {
        String block = deployBlock(Files.readString(BASEDIR.resolve("README.md")));
        String jvm = benchJvmOptions();
        assertThat(block).contains("java " + jvm + " -jar payara-micro.jar")
                .contains("--prebootcommandfile pre-boot.asadmin")
                .contains("jboss-cli.sh --file=roomcast.cli")
                .contains("JBOSS_JAVA_SIZING=\"" + jvm + "\"");
    }

    @Test
    void theDeploymentGuideLinesApplyTheMeasuredSettings() throws IOException {
        String guide = Files.readString(BASEDIR.resolve("docs/DEPLOYMENT.md"));
        String jvm = benchJvmOptions();
        assertThat(section(guide, "## Payara Micro")).contains("java " + jvm + " -jar payara-micro.jar")
                .contains("--prebootcommandfile pre-boot.asadmin");
        assertThat(section(guide, "## WildFly")).contains("jboss-cli.sh --file=roomcast.cli")
                .contains("JBOSS_JAVA_SIZING=\"" + jvm + "\"");
    }

    @Test
    void theShippedFilesAreTheOnesTheBenchmarkRuns() throws IOException {
        String config = Files.readString(BASEDIR.resolve("bench/config.js"));
        assertThat(config).contains("preBootFile: 'src/main/payara/pre-boot.asadmin'");
        assertThat(BASEDIR.resolve("src/main/payara/pre-boot.asadmin")).exists();
        assertThat(BASEDIR.resolve("src/main/wildfly/roomcast.cli")).exists();
    }

    /** bench/config.js's main JVM variant, e.g. {@code -Xms2g -Xmx2g -XX:+UseG1GC}. */
    private static String benchJvmOptions() throws IOException {
        String config = Files.readString(BASEDIR.resolve("bench/config.js"));
        Matcher main = Pattern.compile("main:\\s*'([^']+)'").matcher(config);
        assertThat(main.find()).as("bench/config.js names jvm.main").isTrue();
        Matcher options = Pattern.compile("\\b" + Pattern.quote(main.group(1)) + ":\\s*'([^']+)'").matcher(config);
        assertThat(options.find()).as("bench/config.js has the variant %s", main.group(1)).isTrue();
        return options.group(1);
    }

    /** The first ```sh block of README's "Deploy it" section. */
    private static String deployBlock(String readme) {
        String deploy = section(readme, "## Deploy it");
        int start = deploy.indexOf("```sh");
        assertThat(start).as("README's Deploy it has a sh block").isNotNegative();
        return deploy.substring(start, deploy.indexOf("```", start + 5));
    }

    /** From a heading to the next heading of the same level. */
    private static String section(String markdown, String heading) {
        int start = markdown.indexOf("\n" + heading);
        assertThat(start).as("%s is there", heading).isNotNegative();
        int end = markdown.indexOf("\n## ", start + heading.length() + 1);
        return markdown.substring(start, end < 0 ? markdown.length() : end);
    }
}
