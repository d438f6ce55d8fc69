package io.roomcast.handshake;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The route table: the WebSocket paths and what each one asks of a handshake (PROTOCOL 3). The
 * endpoints' {@code @ServerEndpoint} values are the {@link Paths} constants, and the filter matches the
 * same templates, so a path is spelled once.
 */
public enum Route {
    CHAT(Paths.CHAT, false),
    SECURE(Paths.SECURE, true),
    AUTH(Paths.AUTH, true),
    REALTIME(Paths.REALTIME, false),
    STATUS(Paths.STATUS, false);

    /** The path templates, as constants so that annotations can name them. */
    public static final class Paths {
        public static final String CHAT = "/ws/chat/{roomId}";
        public static final String SECURE = "/ws/secure/{clientId}";
        public static final String AUTH = "/ws/auth";
        public static final String REALTIME = "/ws/realtime";
        public static final String STATUS = "/ws/status";

        private Paths() {
        }
    }

    /** A request path matched to a route, with its raw path parameter when it has one. */
    public record Match(Route route, String parameter) {
    }

    private final Pattern pattern;
    private final boolean credentialsRequired;

    Route(String template, boolean credentialsRequired) {
        // A {parameter} matches one path segment, as in the WebSocket API's URI templates.
        this.pattern = Pattern.compile(template.replaceAll("\\{[^/}]+}", "([^/]+)"));
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
