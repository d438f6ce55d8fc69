package io.roomcast.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Deployments;
import java.net.http.HttpResponse;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/** The demo page and its files are served with a Content-Security-Policy and the anti-framing, anti-sniffing headers. */
class SecurityHeadersIT extends DeployedRoomcast {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.roomcast();
    }

    @Test
    void theDemoPageAndItsFilesCarryTheSecurityHeaders() throws Exception {
        for (String path : List.of("", "index.html", "app.js", "gaps.js", "status-feed.js", "app.css", "roomcast.js",
                "api/status")) {
            HttpResponse<String> response = server.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Security-Policy")).as(path).hasValueSatisfying(csp -> assertThat(csp)
                    .contains("default-src 'self'", "script-src 'self'", "style-src 'self'",
                            "connect-src 'self' ws: wss:", "frame-ancestors 'self'", "object-src 'none'")
                    .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval"));
            assertThat(response.headers().firstValue("X-Frame-Options")).as(path).contains("SAMEORIGIN");
            assertThat(response.headers().firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
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
}
