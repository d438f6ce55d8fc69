package io.roomcast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.TargetServer;
import io.roomcast.testsupport.WsClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The version the running server reports is the build's (pom.xml's, passed by failsafe as roomcast.version). */
class ReportedVersionIT extends DeployedRoomcast {

    @Test
    void theOpenApiDocumentReportsTheBuildsVersion() throws Exception {
        assumeFalse(TargetServer.isWildFly(), "WildFly's default standalone.xml has no MicroProfile OpenAPI subsystem");
        String expected = System.getProperty("roomcast.version");
        assertThat(expected).as("failsafe passes pom.xml's version as roomcast.version").isNotBlank();

        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/openapi"))
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(WsClient.parse(response.body()).getJsonObject("info").getString("version")).isEqualTo(expected);
    }
}
