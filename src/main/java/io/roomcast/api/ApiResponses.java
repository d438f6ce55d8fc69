package io.roomcast.api;

import io.roomcast.protocol.ErrorBody;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.FrameEncoder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** JSON responses of the API, written by the same encoder as the WebSocket frames. */
@ApplicationScoped
public class ApiResponses {

    @Inject
    FrameEncoder encoder;

    public Response json(int status, Record body) {
        return json(status, encoder.encode(body));
    }

    /** A body already written as JSON (a history answer, built to its byte bound: PROTOCOL 13.1). */
    public Response json(int status, String body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }

    public Response error(int status, ErrorCode code, String message) {
        return error(status, code.wire(), message);
    }

    public Response error(int status, String code, String message) {
        return json(status, new ErrorBody(code, message));
    }

    /** 413; the connection is closed after it, so the container never reads the rest of a large body. */
    public Response tooLarge(String message) {
        return Response.fromResponse(error(413, ErrorCode.TOO_LARGE, message)).header("Connection", "close").build();
    }
}
