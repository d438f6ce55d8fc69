package io.roomcast.web;

import io.roomcast.handshake.OriginPolicy;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CORS for the HTTP API ({@code /api/*}) and the client module ({@code /roomcast.js},
 * {@code /roomcast.d.ts}), governed by {@code roomcast.origins} like the WebSocket handshake
 * (PROTOCOL 13.11). Plain logic: the filter asks, then applies the answer.
 *
 * <ul>
 * <li>A page of a listed origin gets {@code Access-Control-Allow-Origin} with its own origin echoed
 * (never {@code *}, even when {@code roomcast.origins} is {@code *}), and may read
 * {@code Retry-After} (429 and 503 answers). No {@code Access-Control-Allow-Credentials}: Roomcast
 * authenticates with bearer tokens, never cookies.</li>
 * <li>A preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) from
 * a listed origin is answered here: 204 with the path's methods, the headers a client sends
 * ({@code Authorization, Content-Type, Idempotency-Key}) and {@code Max-Age} 600 s. The browser
 * itself refuses a method or header not listed, so the answer does not depend on what was asked.</li>
 * <li>Any other origin gets no CORS header, and its preflight 403 {@code forbidden_origin} (the
 * handshake's refusal of the same origin). Its plain requests are served as before: without the
 * header its page cannot read the answer, and with no cookies involved the request itself
 * carries nothing the page did not already have.</li>
 * <li>Every answer on these paths says {@code Vary: Origin}, so a cache never hands one origin's
 * answer to another. The server's own pages need no CORS and see no difference.</li>
 * </ul>
 */
final class Cors {

    static final String ALLOW_HEADERS = "Authorization, Content-Type, Idempotency-Key";
    static final String EXPOSE_HEADERS = "Retry-After";
    static final String MAX_AGE_SECONDS = "600";

    private final OriginPolicy origins;

    Cors(OriginPolicy origins) {
        this.origins = origins;
    }

    /** What to do with a request; headers to add to the answer in either case. */
    sealed interface Answer {
        Map<String, String> headers();
    }

    /** Go on to the application, adding these headers. */
    record PassOn(Map<String, String> headers) implements Answer {
    }

    /** A preflight, answered here with this status: 204 for a listed origin, else 403. */
    record Preflight(int status, Map<String, String> headers) implements Answer {
        boolean allowed() {
            return status == 204;
        }
    }

    /**
     * @param path context-relative, starting with {@code /}
     * @param origin the {@code Origin} header, or null
     * @param requestedMethod the {@code Access-Control-Request-Method} header, or null
     */
    Answer answer(String path, String method, String origin, String requestedMethod) {
        String methods = methodsAt(path);
        if (methods == null) {
            return new PassOn(Map.of());
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Vary", "Origin");
        boolean listed = origins.listed(origin);
        if (listed) {
            headers.put("Access-Control-Allow-Origin", origin);
        }
        if ("OPTIONS".equals(method) && origin != null && requestedMethod != null) {
            if (!listed) {
                return new Preflight(403, headers);
            }
            headers.put("Access-Control-Allow-Methods", methods);
            headers.put("Access-Control-Allow-Headers", ALLOW_HEADERS);
            headers.put("Access-Control-Max-Age", MAX_AGE_SECONDS);
            return new Preflight(204, headers);
        }
        if (listed) {
            headers.put("Access-Control-Expose-Headers", EXPOSE_HEADERS);
        }
        return new PassOn(headers);
    }

    /** The methods a page of another origin may use at the path; null where CORS does not apply. */
    private static String methodsAt(String path) {
        if (WebPaths.isApi(path)) {
            return "GET, HEAD, POST";
        }
        return WebPaths.isClientModule(path) ? "GET, HEAD" : null;
    }
}
