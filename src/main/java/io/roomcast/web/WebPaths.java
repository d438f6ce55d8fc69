package io.roomcast.web;

/** The paths the response headers are chosen by, context-relative and starting with {@code /}. */
final class WebPaths {

    private WebPaths() {
    }

    /** {@code /ws} and everything under it: the WebSocket endpoints (the handshake filter's {@code /ws/*}). */
    static boolean isWebSocket(String path) {
        return path.equals("/ws") || path.startsWith("/ws/");
    }

    /** {@code /api} and everything under it: the HTTP API. */
    static boolean isApi(String path) {
        return path.equals("/api") || path.startsWith("/api/");
    }

    /** The client module and its types, which pages of other origins import. */
    static boolean isClientModule(String path) {
        return path.equals("/roomcast.js") || path.equals("/roomcast.d.ts");
    }
}
