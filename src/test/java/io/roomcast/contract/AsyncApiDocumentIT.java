package io.roomcast.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * docs/asyncapi.yaml is a valid AsyncAPI 3.0 document for the AsyncAPI project's own parser (npm
 * {@code @asyncapi/parser}, pinned in src/test/contract/package-lock.json and installed by its
 * setup.sh). The frames themselves are held to its schemas by every wire test (testsupport/WsClient).
 */
class AsyncApiDocumentIT {

    private static final Path BASEDIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private static final Path CONTRACT = BASEDIR.resolve("src/test/contract");

    @Test
    void theAsyncApiDocumentParsesWithoutErrors() throws Exception {
        Run setup = run(List.of("bash", CONTRACT.resolve("setup.sh").toString()), 10);
        assertThat(setup.exit()).as(setup.output()).isZero();

        Run validation = run(List.of(System.getProperty("node.executable", "node"),
                CONTRACT.resolve("validate-asyncapi.mjs").toString(),
                BASEDIR.resolve("docs/asyncapi.yaml").toString()), 2);

        assertThat(validation.exit()).as(validation.output()).isZero();
        assertThat(validation.output()).contains("OK: AsyncAPI 3.0.0").doesNotContain("\nerror ");
    }

    private record Run(int exit, String output) {
    }

    private static Run run(List<String> command, int minutes) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(CONTRACT.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return new Run(-1, "timed out: " + command);
        }
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
