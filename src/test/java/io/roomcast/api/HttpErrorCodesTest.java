package io.roomcast.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.protocol.ErrorCode;
import io.roomcast.testsupport.FrameContract;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * docs/asyncapi.yaml's {@code HttpErrorCode} is exactly the set of codes the server can put in an HTTP
 * error body: what the exception mapper answers for JAX-RS's own refusals and for anything unexpected,
 * the handshake refusals, and the codes the resources answer themselves. The codes that no test can
 * provoke from outside (a 500, JAX-RS's own 403 or 415, another 4xx) are held to the document here;
 * the others are also provoked against a real server (contract/HttpErrorsIT).
 */
class HttpErrorCodesTest {

    /** The codes the resources, the CORS filter and the stream refusal write themselves. */
    private static final Set<ErrorCode> WRITTEN_BY_THE_API = Set.of(ErrorCode.INVALID_PARAMETER,
            ErrorCode.INVALID_MESSAGE, ErrorCode.MISSING_CREDENTIALS, ErrorCode.INVALID_CREDENTIALS,
            ErrorCode.FORBIDDEN_ROOM, ErrorCode.FORBIDDEN_ORIGIN, ErrorCode.NOT_FOUND, ErrorCode.RATE_LIMITED,
            ErrorCode.TOO_LARGE, ErrorCode.UNAVAILABLE);

    private final Set<String> documented = FrameContract.enumValues("HttpErrorCode");

    @Test
    void everyCodeTheExceptionMapperAnswersIsDocumented() {
        Set<String> mapped = new TreeSet<>();
        IntStream.range(400, 500).mapToObj(ApiExceptionMapper::code).forEach(mapped::add);
        mapped.add(ApiExceptionMapper.SERVER_ERROR);
        assertThat(documented).containsAll(mapped);
    }

    @Test
    void everyHandshakeRefusalCodeIsDocumented() {
        assertThat(documented).containsAll(ErrorCode.HANDSHAKE.stream().map(ErrorCode::wire).toList());
    }

    @Test
    void theDocumentNamesNoCodeTheServerCannotSend() {
        Set<String> sent = new TreeSet<>();
        IntStream.range(400, 500).mapToObj(ApiExceptionMapper::code).forEach(sent::add);
        sent.add(ApiExceptionMapper.SERVER_ERROR);
        ErrorCode.HANDSHAKE.forEach(c -> sent.add(c.wire()));
        WRITTEN_BY_THE_API.forEach(c -> sent.add(c.wire()));
        assertThat(documented).isEqualTo(sent);
    }

    @Test
    void theHttpErrorSchemaRefusesAnUndocumentedCode() {
        FrameContract contract = FrameContract.httpErrors();
        assertThat(contract.violations("{\"error\":\"server_error\",\"message\":\"the server failed\"}")).isEmpty();
        assertThat(contract.violations("{\"error\":\"teapot\",\"message\":\"short and stout\"}")).isNotEmpty();
        assertThat(contract.violations("{\"error\":\"not_found\"}")).isNotEmpty();
        assertThat(contract.violations("{\"error\":\"not_found\",\"message\":\"x\",\"trace\":\"at ...\"}")).isNotEmpty();
    }
}
