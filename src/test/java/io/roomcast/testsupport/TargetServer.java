package io.roomcast.testsupport;

/**
 * The server the integration suite runs against: Arquillian's container qualifier, which the
 * failsafe execution selects with {@code arquillian.launch} (pom.xml: Payara Micro by default,
 * WildFly in the {@code wildfly} profile).
 */
public enum TargetServer {
    PAYARA_MICRO, WILDFLY;

    public static TargetServer current() {
        return "wildfly".equals(System.getProperty("arquillian.launch")) ? WILDFLY : PAYARA_MICRO;
    }

    public static boolean isWildFly() {
        return current() == WILDFLY;
    }
}
