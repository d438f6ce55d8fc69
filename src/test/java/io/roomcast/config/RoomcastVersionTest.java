package io.roomcast.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * One version for the artifact and the protocol: what the server reports ({@link RoomcastVersion}) is
 * the build's, and the documents that state a version say the same. The build's version comes from
 * surefire ({@code roomcast.version}, pom.xml's {@code project.version}).
 */
class RoomcastVersionTest {

    private static String buildVersion() {
        String version = System.getProperty("roomcast.version");
        assertThat(version).as("surefire passes pom.xml's version as roomcast.version").isNotBlank();
        return version;
    }

    /** 2.2.0 -> 2.2 */
    private static String majorMinor(String version) {
        Matcher m = Pattern.compile("^(\\d+\\.\\d+)\\.\\d+").matcher(version);
        assertThat(m.find()).as(version).isTrue();
        return m.group(1);
    }

    @Test
    void theReportedVersionIsTheBuildsVersion() {
        assertThat(RoomcastVersion.current()).isEqualTo(buildVersion());
    }

    @Test
    void aVersionFileTheBuildDidNotFillInIsRefused() {
        assertThatThrownBy(() -> RoomcastVersion.read(stream("version=${project.version}\n")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no version filled in");
        assertThatThrownBy(() -> RoomcastVersion.read(stream("other=1\n")))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> RoomcastVersion.read(null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("missing");
        assertThat(RoomcastVersion.read(stream("# comment\nversion = 3.1.4\n"))).isEqualTo("3.1.4");
    }

    @Test
    void theAsyncApiDocumentStatesTheBuildsVersion() throws IOException {
        String asyncapi = Files.readString(Path.of("docs/asyncapi.yaml"));
        Matcher info = Pattern.compile("(?m)^info:\\s*\\n(?:(?:  .*)?\\n)*?  version: *['\"]?([^'\"\\s]+)").matcher(asyncapi);
        assertThat(info.find()).as("docs/asyncapi.yaml has info.version").isTrue();
        assertThat(info.group(1)).isEqualTo(buildVersion());
    }

    @Test
    void theProtocolDocumentIsOfTheBuildsVersion() throws IOException {
        String title = Files.readAllLines(Path.of("docs/PROTOCOL.md")).get(0);
        assertThat(title).as("docs/PROTOCOL.md's title").contains("v" + majorMinor(buildVersion()));
    }

    @Test
    void theChangelogsNewestReleaseIsTheBuildsVersion() throws IOException {
        String version = buildVersion();
        Matcher release = Pattern.compile("(?m)^## \\[(\\d[^\\]]*)\\]").matcher(Files.readString(Path.of("CHANGELOG.md")));
        assertThat(release.find()).as("CHANGELOG.md has a released version").isTrue();
        assertThat(release.group(1)).as("a release build's version is CHANGELOG.md's newest release")
                .isEqualTo(version.replace("-SNAPSHOT", ""));
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
