package io.roomcast.testsupport;

import java.util.Map;

/**
 * The one way the tests start a server: Payara Micro or WildFly as a child process of the test JVM,
 * with the shipped WAR ({@code target/roomcast.war}), the shipped server settings (Payara Micro's
 * pre-boot file, WildFly's {@code roomcast.cli}) and Roomcast's settings as system properties
 * (MicroProfile Config reads them above the WAR's own defaults).
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
        };
    }
}
