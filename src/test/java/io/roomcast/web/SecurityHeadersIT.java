package io.roomcast.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.ProfileSettings;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What browsers are told besides the content (PROTOCOL 13.11): security headers chosen by path, a CSP
 * that lets the page talk to its own origin only, and CORS from {@code roomcast.origins} on the HTTP
 * API and the client module. Rooms 131101-131109.
 */
@RoomcastServer(Profile.EDGE_LIMITS)
class SecurityHeadersIT extends DeployedRoomcast {

    /** The origin the profile allows ({@code roomcast.origins}). */
    private static final String ALLOWED = ProfileSettings.of(Profile.EDGE_LIMITS).allowedOrigins().get(0);
    private static final String OTHER = "https://evil.example";

    @Test
    void theDemoPageAndItsFilesCarryTheSecurityHeaders() throws Exception {
        for (String path : List.of("", "index.html", "app.js", "gaps.js", "status-feed.js", "app.css", "roomcast.js",
                "roomcast.d.ts", "api/status", "api/health/ready")) {
            HttpResponse<String> response = server.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Security-Policy")).as(path).hasValueSatisfying(csp -> assertThat(csp)
                    .contains("default-src 'self'", "script-src 'self'", "style-src 'self'",
                            "connect-src 'self';", "frame-ancestors 'self'", "object-src 'none'")
                    .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval"));
            assertThat(response.headers().firstValue("X-Frame-Options")).as(path).contains("SAMEORIGIN");
            assertThat(response.headers().firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
        }
    }

    @Test
    void securityHeadersAreChosenByPathAnUpgradeHeaderDoesNotTakeThemAway() throws Exception {
        // The page requested with Upgrade: websocket (as a confused proxy or an attacker may send it)
        RawWebSocket.Handshake page = RawWebSocket.handshake(server.ws("index.html"), Map.of());
        assertThat(page.headers()).as("index.html with Upgrade").containsKeys("content-security-policy",
                "x-frame-options", "x-content-type-options");
        assertThat(page.headers().get("content-security-policy")).contains("connect-src 'self';");

        // /ws/* is the only place without them: the upgrade itself and a refusal there. (Payara adds an
        // X-Frame-Options of its own to every answer, 101 included: its http xframe-options, on by default.)
        RawWebSocket.Handshake upgrade = RawWebSocket.handshake(server.ws("ws/chat/131101"), Map.of());
        try {
            assertThat(upgrade.status()).isEqualTo(101);
            assertThat(upgrade.headers()).doesNotContainKeys("content-security-policy", "x-content-type-options");
        } finally {
            upgrade.socket().close();
        }
        HttpResponse<String> plain = server.get("ws/chat/131101");
        assertThat(plain.statusCode()).isEqualTo(426);
        assertThat(plain.headers().firstValue("Content-Security-Policy")).isEmpty();
        assertThat(plain.headers().firstValue("X-Content-Type-Options")).isEmpty();
    }

    @Test
    void thePagesCspAllowsWebSocketConnectionsToItsOwnOriginOnly() throws Exception {
        String csp = server.get("index.html").headers().firstValue("Content-Security-Policy").orElseThrow();
        String connect = List.of(csp.split(";")).stream().map(String::trim).filter(d -> d.startsWith("connect-src"))
                .findFirst().orElseThrow();
        assertThat(connect).isEqualTo("connect-src 'self'");
    }

    @Test
    void corsPreflightFromAnAllowedOriginIsAnsweredOnTheApiAndTheClientModule() throws Exception {
        for (String path : List.of("api/rooms/131102/messages", "api/status", "roomcast.js", "roomcast.d.ts")) {
            HttpResponse<String> preflight = server.send("OPTIONS", path, Map.of("Origin", ALLOWED,
                    "Access-Control-Request-Method", path.startsWith("api/") ? "POST" : "GET",
                    "Access-Control-Request-Headers", "authorization, content-type, idempotency-key"));
            HttpHeaders headers = preflight.headers();
            assertThat(preflight.statusCode()).as(path).isEqualTo(204);
            assertThat(headers.firstValue("Access-Control-Allow-Origin")).as(path).contains(ALLOWED);
            assertThat(headers.allValues("Vary")).as(path).anySatisfy(v -> assertThat(v).containsIgnoringCase("Origin"));
            assertThat(headers.firstValue("Access-Control-Allow-Methods")).as(path)
                    .contains(path.startsWith("api/") ? "GET, HEAD, POST" : "GET, HEAD");
            assertThat(headers.firstValue("Access-Control-Allow-Headers")).as(path)
                    .contains("Authorization, Content-Type, Idempotency-Key");
            assertThat(headers.firstValue("Access-Control-Max-Age")).as(path).contains("600");
            assertThat(headers.firstValue("Access-Control-Allow-Credentials")).as(path).isEmpty();
            assertThat(headers.firstValue("Content-Security-Policy")).as(path + ": a preflight is an answer too").isPresent();
        }
    }

    @Test
    void corsActualRequestFromAnAllowedOriginGetsAccessControlAllowOrigin() throws Exception {
        HttpResponse<String> published = server.post("api/rooms/131103/messages", "{\"text\":\"from another origin\"}",
                Map.of("Origin", ALLOWED, "Authorization", "Bearer " + TestTokens.valid("cors-alice")));
        assertThat(published.statusCode()).isEqualTo(202);
        assertThat(published.headers().firstValue("Access-Control-Allow-Origin")).contains(ALLOWED);
        assertThat(published.headers().firstValue("Access-Control-Expose-Headers")).contains("Retry-After");

        for (String path : List.of("api/status", "roomcast.js")) {
            HttpResponse<String> read = server.get(path, Map.of("Origin", ALLOWED));
            assertThat(read.statusCode()).as(path).isEqualTo(200);
            assertThat(read.headers().firstValue("Access-Control-Allow-Origin")).as(path).contains(ALLOWED);
            assertThat(read.headers().allValues("Vary")).as(path).anySatisfy(v -> assertThat(v).containsIgnoringCase("Origin"));
        }
        // An error answer is readable too: the page learns why (here 401 without a token)
        HttpResponse<String> refused = server.post("api/rooms/131103/messages", "{\"text\":\"x\"}", Map.of("Origin", ALLOWED));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).contains(ALLOWED);
    }

    @Test
    void corsDisallowedOriginGetsNoCorsHeadersAndItsPreflightIs403() throws Exception {
        for (String path : List.of("api/rooms/131104/messages", "api/status", "roomcast.js")) {
            HttpResponse<String> preflight = server.send("OPTIONS", path, Map.of("Origin", OTHER,
                    "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization"));
            assertThat(preflight.statusCode()).as(path).isEqualTo(403);
            assertThat(WsClient.parse(preflight.body()).getString("error")).isEqualTo("forbidden_origin");
            assertNoCorsHeaders(path, preflight.headers());
        }
        for (String path : List.of("api/status", "roomcast.js")) {
            HttpResponse<String> read = server.get(path, Map.of("Origin", OTHER));
            assertThat(read.statusCode()).as(path).isEqualTo(200);
            assertNoCorsHeaders(path, read.headers());
        }
    }

    @Test
    void corsSameOriginAndNonBrowserRequestsAreUnaffected() throws Exception {
        String own = server.base().getScheme() + "://" + server.base().getAuthority();
        for (Map<String, String> headers : List.of(Map.of("Origin", own), Map.<String, String>of())) {
            HttpResponse<String> read = server.get("api/status", headers);
            assertThat(read.statusCode()).as(headers.toString()).isEqualTo(200);
            assertNoCorsHeaders(headers.toString(), read.headers());
        }
    }

    @Test
    void theClientModuleIsServedAsJavaScriptWithItsTypes() throws Exception {
        HttpResponse<String> module = server.get("roomcast.js");
        assertThat(module.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                .matches("(text|application)/javascript.*"));
        assertThat(module.body()).contains("export function connect(");
        HttpResponse<String> types = server.get("roomcast.d.ts");
        assertThat(types.statusCode()).isEqualTo(200);
        assertThat(types.body()).contains("export declare function connect(");
    }

    @Test
    void thePageHasNoInlineScriptOrStyleThePolicyWouldBlock() throws Exception {
        String page = server.get("index.html").body();
        assertThat(page).doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>").doesNotContain("<style")
                .doesNotContainPattern("\\sstyle=").doesNotContainPattern("\\son[a-z]+=");
    }

    private static void assertNoCorsHeaders(String what, HttpHeaders headers) {
        assertThat(headers.map().keySet()).as(what)
                .noneSatisfy(name -> assertThat(name.toLowerCase()).startsWith("access-control-"));
    }
}
