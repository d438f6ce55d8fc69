package io.roomcast.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.handshake.OriginPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CORS of PROTOCOL 13.11 as plain logic: which paths, which origins, which headers. */
class CorsTest {

    private static final String APP = "https://app.example.com";
    private final Cors cors = new Cors(new OriginPolicy(List.of(APP)));

    @Test
    void aPreflightFromAListedOriginIsAnsweredWith204AndTheAllowedMethodsAndHeaders() {
        Cors.Answer answer = cors.answer("/api/rooms/7/messages", "OPTIONS", APP, "POST");

        assertThat(answer).isInstanceOf(Cors.Preflight.class);
        assertThat(((Cors.Preflight) answer).status()).isEqualTo(204);
        assertThat(answer.headers()).containsEntry("Access-Control-Allow-Origin", APP)
                .containsEntry("Vary", "Origin")
                .containsEntry("Access-Control-Allow-Methods", "GET, HEAD, POST")
                .containsEntry("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key")
                .containsEntry("Access-Control-Max-Age", "600");
    }

    @Test
    void theClientModuleAllowsOnlyReading() {
        for (String path : List.of("/roomcast.js", "/roomcast.d.ts")) {
            assertThat(cors.answer(path, "OPTIONS", APP, "GET").headers())
                    .containsEntry("Access-Control-Allow-Methods", "GET, HEAD");
            assertThat(cors.answer(path, "GET", APP, null).headers())
                    .containsEntry("Access-Control-Allow-Origin", APP);
        }
    }

    @Test
    void anActualRequestFromAListedOriginGetsItsOriginEchoedAndMayReadRetryAfter() {
        Cors.Answer answer = cors.answer("/api/status", "GET", APP, null);

        assertThat(answer).isInstanceOf(Cors.PassOn.class);
        assertThat(answer.headers()).containsEntry("Access-Control-Allow-Origin", APP)
                .containsEntry("Access-Control-Expose-Headers", "Retry-After")
                .containsEntry("Vary", "Origin")
                .doesNotContainKey("Access-Control-Allow-Credentials");
    }

    @Test
    void anotherOriginGetsNoCorsHeaderAndItsPreflightIs403() {
        Cors.Answer preflight = cors.answer("/api/status", "OPTIONS", "https://evil.example", "GET");
        assertThat(preflight).isInstanceOf(Cors.Preflight.class);
        assertThat(((Cors.Preflight) preflight).status()).isEqualTo(403);
        assertThat(preflight.headers()).containsOnlyKeys("Vary");

        Cors.Answer actual = cors.answer("/api/status", "GET", "https://evil.example", null);
        assertThat(actual).isInstanceOf(Cors.PassOn.class);
        assertThat(actual.headers()).containsOnlyKeys("Vary");
    }

    @Test
    void aRequestWithoutOriginPassesOnWithOnlyVary() {
        Cors.Answer answer = cors.answer("/api/status", "OPTIONS", null, null);
        assertThat(answer).isInstanceOf(Cors.PassOn.class);
        assertThat(answer.headers()).containsOnlyKeys("Vary");
    }

    @Test
    void anOptionsRequestWithoutRequestMethodIsNoPreflight() {
        assertThat(cors.answer("/api/status", "OPTIONS", APP, null)).isInstanceOf(Cors.PassOn.class);
    }

    @Test
    void otherPathsGetNoCorsAtAll() {
        for (String path : List.of("/", "/index.html", "/app.js", "/ws/chat/7", "/apiary", "/roomcast.jsx")) {
            Cors.Answer answer = cors.answer(path, "OPTIONS", APP, "GET");
            assertThat(answer).as(path).isInstanceOf(Cors.PassOn.class);
            assertThat(answer.headers()).as(path).isEmpty();
        }
    }

    @Test
    void aStarEchoesTheOriginRatherThanAStar() {
        Cors any = new Cors(new OriginPolicy(List.of("*")));
        assertThat(any.answer("/api/status", "GET", "https://anyone.example", null).headers())
                .containsEntry("Access-Control-Allow-Origin", "https://anyone.example");
    }
}
