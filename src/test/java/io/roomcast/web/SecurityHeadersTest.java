package io.roomcast.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Security headers by path (PROTOCOL 13.11). */
class SecurityHeadersTest {

    @Test
    void everyPathButTheWebSocketOnesGetsTheSecurityHeaders() {
        for (String path : List.of("/", "/index.html", "/roomcast.js", "/api/status", "/api/health/ready", "/wsx",
                "/nothing-here")) {
            assertThat(SecurityHeaders.forPath(path)).as(path)
                    .containsKeys("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options");
        }
        for (String path : List.of("/ws", "/ws/", "/ws/chat/7", "/ws/realtime")) {
            assertThat(SecurityHeaders.forPath(path)).as(path).isEmpty();
        }
    }

    @Test
    void thePagesCspAllowsConnectionsToItsOwnOriginOnly() {
        assertThat(SecurityHeaders.CONTENT_SECURITY_POLICY).contains("connect-src 'self';")
                .doesNotContain("ws:").doesNotContain("wss:").doesNotContain("*");
    }
}
