package io.roomcast.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Security headers on every HTTP answer but the WebSocket upgrade: the demo page may run only its
 * own script and style files and talk only to its own origin (a script injected through a message
 * could do nothing), may be framed only by its own origin (no clickjacking), and no answer is
 * content-sniffed into something executable.
 *
 * <p>{@code connect-src} names {@code ws:} and {@code wss:} besides {@code 'self'}: browsers before
 * CSP 3 (older Safari) do not count the page's own WebSocket origin as {@code 'self'}. The favicon
 * is an empty {@code data:} URL, hence {@code img-src data:}.
 */
@WebFilter(filterName = "roomcast-security-headers", urlPatterns = "/*", asyncSupported = true)
public class SecurityHeadersFilter extends HttpFilter {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'self'; base-uri 'self'; "
            + "form-action 'self'; object-src 'none'";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            response.setHeader("X-Frame-Options", "SAMEORIGIN");
            response.setHeader("X-Content-Type-Options", "nosniff");
        }
        chain.doFilter(request, response);
    }
}
