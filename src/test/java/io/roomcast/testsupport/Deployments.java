package io.roomcast.testsupport;

import java.io.File;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The WAR under test: the real {@code target/roomcast.war} that the build produced, plus a
 * {@code microprofile-config.properties} with the settings a test class needs (short heartbeats,
 * small limits, a known JWT secret).
 */
public final class Deployments {

    /** Settings every integration test shares unless it overrides them. */
    public static final Map<String, String> DEFAULTS = Map.of(
            "roomcast.jwt.secret", TestTokens.SECRET,
            "roomcast.jwt.issuer", TestTokens.ISSUER,
            "roomcast.jwt.audience", TestTokens.AUDIENCE,
            "roomcast.heartbeat.interval", "1",
            "roomcast.heartbeat.timeout", "4");

    private Deployments() {
    }

    public static WebArchive roomcast(Map<String, String> overrides) {
        Map<String, String> settings = new TreeMap<>(DEFAULTS);
        settings.putAll(overrides);
        String properties = settings.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue().replace("\\", "\\\\").replace("\n", "\\n"))
                .collect(Collectors.joining("\n", "", "\n"));
        File war = new File(System.getProperty("roomcast.war", "target/roomcast.war"));
        return ShrinkWrap.create(ZipImporter.class, "roomcast.war").importFrom(war).as(WebArchive.class)
                .addAsResource(new StringAsset(properties), "META-INF/microprofile-config.properties");
    }

    public static WebArchive roomcast() {
        return roomcast(Map.of());
    }
}
