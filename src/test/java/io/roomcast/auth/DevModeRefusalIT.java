package io.roomcast.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.testsupport.LeftoverProcesses;
import io.roomcast.testsupport.PayaraMicroProcess;
import io.roomcast.testsupport.TestTokens;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PROTOCOL 13.9: dev mode refuses to start when a production key is configured. Its own Payara Micro
 * process, since an Arquillian deployment that fails cannot be talked to: the server starts, the
 * application does not, and the log says why.
 */
@ExtendWith(LeftoverProcesses.AtEnd.class)
class DevModeRefusalIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void devModeRefusesToStartWhenAProductionKeyIsConfigured() throws Exception {
        try (PayaraMicroProcess server = PayaraMicroProcess.builder("dev-mode-refusal-it")
                .systemProperty("roomcast.dev-mode", "true")
                .env("ROOMCAST_JWT_SECRET", TestTokens.SECRET)
                .launch()) {
            String refusal = server.awaitLogLine("refuses to start", PayaraMicroProcess.DEFAULT_STARTUP_TIMEOUT);
            assertThat(refusal).contains("roomcast.dev-mode=true refuses to start with a production key configured")
                    .contains("roomcast.jwt.secret");
            // Payara Micro itself comes up, without the application: nothing of Roomcast answers.
            server.awaitLogLine(" ready in ", PayaraMicroProcess.DEFAULT_STARTUP_TIMEOUT);
            HttpResponse<String> status = HTTP.send(HttpRequest.newBuilder(server.baseUri().resolve("api/status"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(status.statusCode()).isNotEqualTo(200);
            HttpResponse<String> token = HTTP.send(HttpRequest.newBuilder(server.baseUri().resolve("api/dev/tokens"))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"alice\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(token.statusCode()).isNotEqualTo(200);
            assertThat(token.body()).doesNotContain("token\"");
            assertThat(server.log()).doesNotContain(TestTokens.SECRET);
        }
    }
}
