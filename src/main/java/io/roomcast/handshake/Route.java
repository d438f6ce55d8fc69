package io.roomcast.handshake;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The WebSocket paths and what each one asks of a handshake (PROTOCOL 3). */
public enum Route {
    CHAT("/ws/chat/([^/]+)", false),
    SECURE("/ws/secure/([^/]+)", true),
    AUTH("/ws/auth", true),
    REALTIME("/ws/realtime", false),
    STATUS("/ws/status", false);

    /** A request path matched to a route, with its raw path parameter when it has one. */
    public record Match(Route route, String parameter) {
    }

    private final Pattern pattern;
    private final boolean credentialsRequired;

    Route(String pattern, boolean credentialsRequired) {
        this.pattern = Pattern.compile(pattern);
        this.credentialsRequired = credentialsRequired;
    }

    public boolean credentialsRequired() {
        return credentialsRequired;
    }

    /** Matches a path inside the application (without the context root); null for any other path. */
    public static Match match(String path) {
        for (Route route : values()) {
            Matcher m = route.pattern.matcher(path);
            if (m.matches()) {
                return new Match(route, m.groupCount() > 0 ? m.group(1) : null);
            }
        }
        return null;
    }
}
