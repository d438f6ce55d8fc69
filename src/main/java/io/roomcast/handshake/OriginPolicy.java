package io.roomcast.handshake;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The origin check of PROTOCOL 2: no {@code Origin} (not a browser) passes; the page's own host and
 * port pass; anything else must be listed in {@code roomcast.origins}, where {@code *} allows all.
 * The same list decides which pages of other origins may read the HTTP API and the client module
 * (CORS, PROTOCOL 13.11): {@link #listed}.
 */
public final class OriginPolicy {

    private final boolean allowAll;
    private final Set<String> allowed;

    public OriginPolicy(List<String> origins) {
        this.allowAll = origins.contains("*");
        this.allowed = origins.stream().map(OriginPolicy::normalise).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * @param origin the {@code Origin} header, or null
     * @param host the {@code Host} header, or null
     * @param secure whether the request came over TLS (decides the default port of {@code Host})
     */
    public boolean allows(String origin, String host, boolean secure) {
        if (origin == null) {
            return true;
        }
        if (listed(origin)) {
            return true;
        }
        return host != null && sameHostAndPort(origin, host, secure);
    }

    /**
     * Whether {@code roomcast.origins} names the origin (or is {@code *}): a page of that origin may
     * read the server's CORS-enabled answers. The server's own pages need no CORS and are not asked about.
     */
    public boolean listed(String origin) {
        return origin != null && (allowAll || allowed.contains(normalise(origin)));
    }

    private static boolean sameHostAndPort(String origin, String host, boolean secure) {
        try {
            URI o = new URI(origin.trim());
            if (o.getScheme() == null || o.getHost() == null) {
                return false;
            }
            int originPort = o.getPort() >= 0 ? o.getPort() : defaultPort(o.getScheme());
            URI h = new URI((secure ? "https" : "http") + "://" + host.trim());
            if (h.getHost() == null) {
                return false;
            }
            int hostPort = h.getPort() >= 0 ? h.getPort() : (secure ? 443 : 80);
            return o.getHost().equalsIgnoreCase(h.getHost()) && originPort == hostPort;
        } catch (Exception e) {
            return false;
        }
    }

    private static int defaultPort(String scheme) {
        return switch (scheme.toLowerCase(Locale.ROOT)) {
            case "https", "wss" -> 443;
            default -> 80;
        };
    }

    private static String normalise(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
