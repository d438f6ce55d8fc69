package io.roomcast.handshake;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.Identity;
import io.roomcast.logging.LogText;
import io.roomcast.observability.RoomcastMetrics;
import io.roomcast.platform.FrameHeaderGuard;
import io.roomcast.platform.GrizzlyIdleWalk;
import io.roomcast.platform.GuardedUpgradeHandler;
import io.roomcast.platform.NegotiatedExtensions;
import io.roomcast.platform.ServerAdapter;
import io.roomcast.platform.SocketAborts;
import io.roomcast.protocol.ErrorBody;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.FrameEncoder;
import io.roomcast.tracing.Span;
import io.roomcast.tracing.TraceContext;
import io.roomcast.tracing.Tracer;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.System.Logger;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * Judges every WebSocket upgrade before the WebSocket implementation sees it. A servlet filter is the
 * one place where a refusal can be answered with an exact HTTP status on every server (Tyrus on
 * Payara, Undertow on WildFly); an accepted request continues with the decided {@link Identity} as
 * its user principal, which the WebSocket implementation hands to the session.
 */
@WebFilter(filterName = "roomcast-handshake", urlPatterns = "/ws/*", asyncSupported = true)
public class HandshakeFilter extends HttpFilter {

    private static final Logger LOG = System.getLogger(HandshakeFilter.class.getName());

    @Inject
    HandshakeGuard guard;
    @Inject
    FrameEncoder encoder;
    @Inject
    RoomcastMetrics metrics;
    @Inject
    RoomcastSettings settings;
    @Inject
    SocketAborts socketAborts;
    @Inject
    Tracer tracer;

    /** The span of one opening handshake, accepted or refused, with its HTTP status (docs/DEPLOYMENT.md, "Tracing"). */
    static final String HANDSHAKE_SPAN = "roomcast.handshake";
    static final String STATUS = "http.response.status_code";

    private final RefusalLogThrottle logThrottle = new RefusalLogThrottle(System::nanoTime);
    private final GrizzlyIdleWalk idleWalk = new GrizzlyIdleWalk();

    @Override
    public void init() {
        LOG.log(Level.INFO, "handshakes judged by this filter, in front of {0}", ServerAdapter.describe(
                getServletContext().getAttribute("jakarta.websocket.server.ServerContainer"),
                getServletContext().getClassLoader()));
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Span span = tracer.on()
                ? tracer.start(HANDSHAKE_SPAN, Tracer.Kind.SERVER, request.getHeader(TraceContext.TRACEPARENT), 0)
                : Span.NONE; // off: not even the header is looked up
        try {
            judge(request, response, chain);
            span.attribute(STATUS, response.getStatus());
        } catch (IOException | ServletException | RuntimeException e) {
            span.failed(e);
            throw e;
        } finally {
            span.end();
        }
    }

    private void judge(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        long received = System.nanoTime();
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            // Nothing but WebSocket lives under /ws/: say so (RFC 9110 426) rather than the server's HTML 404.
            response.setHeader("Upgrade", "websocket");
            refuse(request, response, path, new HandshakeDecision.Refused(426, ErrorCode.UPGRADE_REQUIRED,
                    "this path speaks WebSocket only: send Upgrade: websocket"));
            return;
        }
        HandshakeDecision decision = guard.decide(new HandshakeRequest(path, request::getParameter,
                name -> headerValues(request, name), request.getRemoteAddr(), request.isSecure()));
        metrics.handshakeDecided(System.nanoTime() - received);
        if (decision instanceof HandshakeDecision.Refused refused) {
            refuse(request, response, path, refused);
        } else if (decision instanceof HandshakeDecision.Accepted accepted) {
            Supplier<FrameHeaderGuard> frameGuards = () -> frameGuard(response);
            chain.doFilter(new IdentifiedRequest(request, accepted.identity(), frameGuards, this::initialize), response);
            ServerAdapter.guardUndertowUpgrade(request, frameGuards);
        } else {
            chain.doFilter(request, response);
        }
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, String path,
                        HandshakeDecision.Refused refused) throws IOException {
        metrics.handshakeFailed(refused.code());
        long refusals = logThrottle.refused(refused.code());
        if (refusals > 0) {
            // Never the query string: it may carry a token.
            LOG.log(Level.INFO, "handshake refused {0} {1} for {2} from {3} ({4} refused with this code since its last line)",
                    refused.status(), refused.code().wire(), LogText.escape(path), request.getRemoteAddr(), refusals);
        }
        byte[] body = encoder.encode(new ErrorBody(refused.code().wire(), refused.message()))
                .getBytes(StandardCharsets.UTF_8);
        response.setStatus(refused.status());
        if (refused.retryAfterSeconds() != null) {
            response.setHeader("Retry-After", String.valueOf(refused.retryAfterSeconds()));
        }
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Connection", "close");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }

    private static List<String> headerValues(HttpServletRequest request, String name) {
        return Collections.list(request.getHeaders(name));
    }

    /**
     * A guard judging the new connection's frame headers against the size limits (PROTOCOL 5) and the
     * reserved bits its extensions allow (13.8). Called once the WebSocket implementation has written
     * its handshake response, whose {@code Sec-WebSocket-Extensions} says what was negotiated.
     */
    private FrameHeaderGuard frameGuard(HttpServletResponse response) {
        NegotiatedExtensions extensions = NegotiatedExtensions.from(response.getHeaders("Sec-WebSocket-Extensions"));
        return new FrameHeaderGuard(settings.maxTextBytes(), settings.maxBinaryBytes(), extensions,
                code -> LOG.log(Level.DEBUG, "frame header refused: closing with {0}", code));
    }

    /**
     * Around the WebSocket implementation's set-up of an upgraded connection (Tyrus): out of Grizzly's
     * idle walk, and known to the session that opens meanwhile, so that it can be reset (PROTOCOL 13.7).
     */
    private void initialize(WebConnection connection, Runnable init) {
        idleWalk.leave(connection);
        socketAborts.initializing(connection, init);
    }

    /**
     * The upgrade request, carrying the accepted identity as its user principal. A WebSocket
     * implementation that upgrades through the servlet API (Tyrus) gets the connection with its
     * frame headers guarded; Undertow upgrades by other means (see ServerAdapter).
     */
    private static final class IdentifiedRequest extends HttpServletRequestWrapper {
        private final Identity identity;
        private final Supplier<FrameHeaderGuard> frameGuard;
        private final GuardedUpgradeHandler.Initializer initializer;

        IdentifiedRequest(HttpServletRequest request, Identity identity, Supplier<FrameHeaderGuard> frameGuard,
                          GuardedUpgradeHandler.Initializer initializer) {
            super(request);
            this.identity = identity;
            this.frameGuard = frameGuard;
            this.initializer = initializer;
        }

        @Override
        public Principal getUserPrincipal() {
            return identity;
        }

        @Override
        public <T extends HttpUpgradeHandler> T upgrade(Class<T> handlerClass) throws IOException, ServletException {
            return GuardedUpgradeHandler.upgrade(handlerClass, new GuardedUpgradeHandler.Upgrader() {
                @Override
                public <U extends HttpUpgradeHandler> U upgrade(Class<U> type) throws IOException, ServletException {
                    return IdentifiedRequest.super.upgrade(type);
                }
            }, frameGuard, initializer);
        }
    }
}
