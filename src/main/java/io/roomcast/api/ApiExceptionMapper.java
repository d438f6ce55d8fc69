package io.roomcast.api;

import io.roomcast.logging.LogText;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.stream.StreamUnavailableException;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Every error of the HTTP API leaves as the JSON error body {@code {"error":"<code>","message":"..."}}:
 * JAX-RS's own refusals (no such path 404, wrong method 405, unsupported body type 415, ...) keep
 * their status and headers (e.g. {@code Allow}), and anything unexpected is a 500 {@code server_error}
 * whose cause goes to the log only, never to the client (no HTML page, no stack trace). Rooms' streams
 * that cannot be vouched for (no majority of the cluster, PROTOCOL 13.10) are a 503 {@code unavailable}
 * with {@code Retry-After}, for a publish and a history read alike.
 */
@Provider
public class ApiExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = System.getLogger(ApiExceptionMapper.class.getName());
    /** The code of a 500: anything unexpected (docs/asyncapi.yaml, {@code HttpErrorCode}). */
    static final String SERVER_ERROR = "server_error";

    @Inject
    ApiResponses responses;

    @Override
    public Response toResponse(Throwable error) {
        if (error instanceof StreamUnavailableException unavailable) {
            return Response.fromResponse(responses.error(503, ErrorCode.UNAVAILABLE, unavailable.getMessage()))
                    .header(HttpHeaders.RETRY_AFTER, StreamUnavailableException.RETRY_AFTER_SECONDS).build();
        }
        if (error instanceof WebApplicationException web && web.getResponse() != null
                && web.getResponse().getStatus() < 500) {
            Response original = web.getResponse();
            int status = original.getStatus();
            if (LOG.isLoggable(Level.DEBUG)) {
                // JAX-RS messages may repeat the client's path or headers.
                LOG.log(Level.DEBUG, "API request refused {0}: {1}", status, LogText.escape(error));
            }
            Response body = responses.error(status, code(status), message(status));
            Response.ResponseBuilder answer = Response.fromResponse(original).entity(body.getEntity())
                    .type(body.getMediaType());
            answer.header(HttpHeaders.CONTENT_LENGTH, null);
            return answer.build();
        }
        LOG.log(Level.ERROR, "API request failed", error);
        return responses.error(500, SERVER_ERROR, "the server failed to answer this request");
    }

    /** The error code of a status JAX-RS itself answers. */
    static String code(int status) {
        return switch (status) {
            case 400 -> "invalid_message";
            case 401 -> "missing_credentials";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 413 -> "too_large";
            case 415 -> "unsupported_media_type";
            default -> "bad_request";
        };
    }

    private static String message(int status) {
        return switch (status) {
            case 404 -> "no such resource";
            case 405 -> "method not allowed on this resource";
            case 406 -> "this resource answers application/json only";
            case 415 -> "unsupported request body type";
            default -> "the request was refused (HTTP " + status + ")";
        };
    }
}
