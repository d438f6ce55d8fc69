package io.roomcast.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

/** An API error answer as PROTOCOL 3 writes it: the status, a JSON body with the error code and a message in words. */
public final class ApiErrors {

    private ApiErrors() {
    }

    public static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
        assertThat(WsClient.parse(response.body()).getString("error")).isEqualTo(code);
        assertThat(WsClient.parse(response.body()).getString("message")).isNotBlank();
    }
}
