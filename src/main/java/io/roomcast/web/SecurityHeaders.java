package io.roomcast.web;

import java.util.Map;

/**
 * The security headers of an HTTP answer, chosen by its path only (PROTOCOL 13.11): every answer
 * carries them but those under {@code /ws/}, whose 101 or refusal no browser renders. A request's
 * headers never matter (an {@code Upgrade} header on {@code /index.html} once turned them off for a
 * page that a cache may keep).
 *
 * <p>The demo page may run only its own script and style files and talk only to its own origin
 * ({@code connect-src 'self'}: in CSP Level 3, which every current browser follows, {@code 'self'}
 * covers {@code ws:} and {@code wss:} to the page's own host and port, so a script injected through a
 * message can reach no other host); it may be framed only by its own origin (no clickjacking), and no
 * answer is content-sniffed into something executable. The favicon is an empty {@code data:} URL,
 * hence {@code img-src data:}.
 */
final class SecurityHeaders {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; base-uri 'self'; "
            + "form-action 'self'; object-src 'none'";

    private static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY,
            "X-Frame-Options", "SAMEORIGIN",
            "X-Content-Type-Options", "nosniff");

    private SecurityHeaders() {
    }

    /** The headers for an answer at this path (context-relative, starting with {@code /}). */
    static Map<String, String> forPath(String path) {
        return WebPaths.isWebSocket(path) ? Map.of() : HEADERS;
    }
}
