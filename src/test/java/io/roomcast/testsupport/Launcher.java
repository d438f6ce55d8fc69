package io.roomcast.testsupport;

import java.util.Map;

/**
 * The one way the tests start a server: Payara Micro or WildFly as a child process of the test JVM,
 * or a Payara Server domain that asadmin starts for it, with the shipped WAR ({@code target/roomcast.war}),
 * the shipped server settings (Payara Micro's pre-boot file, WildFly's {@code roomcast.cli}, Payara
 * Server's {@code payara-server.asadmin}) and Roomcast's settings as system properties (on Payara
 * Server as environment variables; MicroProfile Config reads both above the WAR's own defaults).
 */
public final class Launcher {

    private Launcher() {
    }

    /** Starts a server named {@code name} (its log: {@code target/<name>.log}) and returns once it answers. */
    public static ServerProcess start(TargetServer runtime, String name, Map<String, String> settings) {
        return switch (runtime) {
            case PAYARA_MICRO -> {
                PayaraMicroProcess.Builder builder = PayaraMicroProcess.builder(name);
                settings.forEach(builder::systemProperty);
                yield builder.start();
            }
            case WILDFLY -> {
                WildFlyProcess.Builder builder = WildFlyProcess.builder(name).bindAddress("0.0.0.0");
                settings.forEach(builder::systemProperty);
                yield builder.start();
            }
            case PAYARA_SERVER -> {
                PayaraServerProcess.Builder builder = PayaraServerProcess.builder(name);
                settings.forEach(builder::setting);
                yield builder.start();
            }
        };
    }
}
