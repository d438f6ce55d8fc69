package io.roomcast.handshake;

import java.util.List;
import java.util.function.Function;

/**
 * The parts of an upgrade request the guard judges, independent of the servlet API.
 *
 * @param path the path inside the application, e.g. {@code /ws/chat/7}
 * @param parameter query parameter values by name (null when absent)
 * @param headers header values by case-insensitive name (empty when absent)
 * @param peerAddress the TCP peer's address
 * @param secure whether the request came over TLS
 */
public record HandshakeRequest(String path, Function<String, String> parameter,
                               Function<String, List<String>> headers, String peerAddress, boolean secure) {

    String header(String name) {
        List<String> values = headers.apply(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    List<String> headerValues(String name) {
        List<String> values = headers.apply(name);
        return values == null ? List.of() : values;
    }
}
