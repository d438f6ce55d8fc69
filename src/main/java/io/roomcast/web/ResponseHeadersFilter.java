package io.roomcast.web;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.handshake.OriginPolicy;
import io.roomcast.protocol.ErrorBody;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.FrameEncoder;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The headers of every HTTP answer, chosen by path (PROTOCOL 13.11): the security headers
 * ({@link SecurityHeaders}) everywhere but {@code /ws/*}, then CORS ({@link Cors}) on the HTTP API and
 * the client module, whose preflights are answered here. One filter, so that a preflight answered
 * here carries the security headers too (the order of two annotated filters is not defined).
 */
@WebFilter(filterName = "roomcast-response-headers", urlPatterns = "/*", asyncSupported = true)
public class ResponseHeadersFilter extends HttpFilter {

    @Inject
    RoomcastSettings settings;
    @Inject
    FrameEncoder encoder;

    private Cors cors;

    @Override
    public void init() {
        cors = new Cors(new OriginPolicy(settings.allowedOrigins()));
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = path(request);
        SecurityHeaders.forPath(path).forEach(response::setHeader);
        Cors.Answer answer = cors.answer(path, request.getMethod(), request.getHeader("Origin"),
                request.getHeader("Access-Control-Request-Method"));
        answer.headers().forEach(response::addHeader);
        if (answer instanceof Cors.Preflight preflight) {
            answerPreflight(response, preflight);
            return;
        }
        chain.doFilter(request, response);
    }

    private void answerPreflight(HttpServletResponse response, Cors.Preflight preflight) throws IOException {
        response.setStatus(preflight.status());
        if (preflight.allowed()) {
            response.setContentLength(0);
            return;
        }
        byte[] body = encoder.encode(new ErrorBody(ErrorCode.FORBIDDEN_ORIGIN.wire(), "origin not allowed"))
                .getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * The context-relative path the container mapped (decoded, dot segments resolved), not the raw
     * URI: the headers go by what is actually served.
     */
    private static String path(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return path.isEmpty() ? "/" : path;
    }
}
