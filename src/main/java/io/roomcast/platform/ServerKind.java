package io.roomcast.platform;

import java.util.Locale;

/**
 * Which WebSocket implementation a server object belongs to, told once, by its class name: Tyrus
 * (Payara) or Undertow (WildFly). Everything in {@code platform} that adapts to one of them asks here,
 * so the server is a type and never a string compared in several places.
 */
public enum ServerKind {
    TYRUS("Tyrus"),
    UNDERTOW("Undertow"),
    OTHER(null);

    private final String label;

    ServerKind(String label) {
        this.label = label;
    }

    /** The implementation a container object (a server container, a servlet request) comes from. */
    public static ServerKind of(Object serverObject) {
        String name = serverObject.getClass().getName();
        if (name.toLowerCase(Locale.ROOT).contains("tyrus")) {
            return TYRUS;
        }
        return name.startsWith("io.undertow.") ? UNDERTOW : OTHER;
    }

    /** The name for logs: the implementation's, or for another one the object's class name. */
    static String describe(Object serverObject) {
        ServerKind kind = of(serverObject);
        return kind == OTHER ? serverObject.getClass().getName() : kind.label;
    }
}
