package io.roomcast.protocol;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** The JSON body of a refused handshake or a failed API call: {@code {"error":"<code>","message":"..."}}. */
@JsonbPropertyOrder({"error", "message"})
public record ErrorBody(String error, String message) {
}
