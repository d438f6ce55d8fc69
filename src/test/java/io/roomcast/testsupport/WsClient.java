package io.roomcast.testsupport;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real WebSocket client (the Tyrus standalone client) that records every frame it receives and how
 * the connection closed. It answers pings, as every well-behaved client does.
 */
public final class WsClient implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(10);

    private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    private final BlockingQueue<ByteBuffer> binaries = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    /** Server frames that broke docs/asyncapi.yaml: any fails the test at its next read or at close. */
    private final List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Session session;

    private WsClient(URI uri, Map<String, String> headers) throws Exception {
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .configurator(new ClientEndpointConfig.Configurator() {
                    @Override
                    public void beforeRequest(Map<String, List<String>> requestHeaders) {
                        headers.forEach((k, v) -> requestHeaders.put(k, List.of(v)));
                    }
                }).build();
        // A container (a Tyrus ClientManager) per client: a shared one shuts its executors down when its
        // last session closes, and a session opening at that moment kept the dead scheduler. (The
        // RejectedExecutionException still seen in ChatEndpointIT after that was a send the server closed
        // under: see sendRefused.)
        WebSocketContainer container = ContainerProvider.getWebSocketContainer();
        session = container.connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session s, EndpointConfig c) {
                boolean json = !uri.getPath().contains("/ws/chat/");
                s.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
                    if (json) {
                        FrameContract.serverFrames().violations(text)
                                .forEach(v -> violations.add(v + " in " + text));
                    }
                    texts.add(text);
                });
                s.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) binaries::add);
            }

            @Override
            public void onClose(Session s, CloseReason reason) {
                closed.complete(reason);
            }

            @Override
            public void onError(Session s, Throwable error) {
                closed.complete(new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, String.valueOf(error)));
            }
        }, config, uri);
    }

    public static WsClient connect(URI uri) throws Exception {
        return new WsClient(uri, Map.of());
    }

    public static WsClient connect(URI uri, Map<String, String> headers) throws Exception {
        return new WsClient(uri, headers);
    }

    public Session session() {
        return session;
    }

    public void send(String text) throws IOException {
        session.getBasicRemote().sendText(text);
    }

    public void sendBinary(byte[] bytes) throws IOException {
        session.getBasicRemote().sendBinary(ByteBuffer.wrap(bytes));
    }

    /**
     * Sends a frame the server is expected to refuse by closing the connection, maybe before it has
     * read all of it (Roomcast's guard closes on the frame's header): the send itself may then fail
     * (the socket closed under it, or Tyrus's client restarting an idle timer of a session already
     * closed), and that is not the test's outcome. The caller asserts the close.
     */
    public void sendRefused(Object frame) {
        jakarta.websocket.SendHandler done = result -> { }; // its outcome is not the test's: the close is
        try {
            if (frame instanceof byte[] bytes) {
                session.getAsyncRemote().sendBinary(ByteBuffer.wrap(bytes), done);
            } else {
                session.getAsyncRemote().sendText((String) frame, done);
            }
        } catch (RuntimeException e) {
            // closed before the send started: the close is what the caller waits for
        }
    }

    /** The next text frame, or an assertion failure after the wait. */
    public String nextText() {
        assertFramesMeetTheContract();
        return poll(texts, WAIT, "a text frame");
    }

    /** The next text frame within the wait, or null. */
    public String nextTextOrNull(Duration wait) {
        try {
            return texts.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public ByteBuffer nextBinary() {
        return poll(binaries, WAIT, "a binary frame");
    }

    /** The next JSON frame that is not a heartbeat. */
    public JsonObject nextJson() {
        while (true) {
            JsonObject frame = parse(nextText());
            if (!"heartbeat".equals(frame.getString("type", ""))) {
                return frame;
            }
        }
    }

    /** Skips frames until one matches, failing after the wait; the skipped frames are returned too. */
    public JsonObject awaitJson(Predicate<JsonObject> wanted) {
        return awaitJson(wanted, WAIT);
    }

    /** As {@link #awaitJson(Predicate)}, with a wait of the caller's (a cluster may need longer). */
    public JsonObject awaitJson(Predicate<JsonObject> wanted, Duration wait) {
        assertFramesMeetTheContract();
        long deadline = System.nanoTime() + wait.toNanos();
        List<String> skipped = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String text = nextTextOrNull(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (text == null) {
                break;
            }
            JsonObject frame = parse(text);
            if (wanted.test(frame)) {
                return frame;
            }
            skipped.add(text);
        }
        throw new AssertionError("no matching frame within " + wait + "; received " + skipped);
    }

    /**
     * Proves what arrived on a JSON endpoint: sends a {@code ping} and returns every frame received
     * before its {@code pong}, heartbeats left out. The server answers frames in order and queues
     * every frame for a connection in order, so an empty list means nothing else was sent before.
     */
    public List<String> framesBeforePong() throws IOException {
        send("{\"type\":\"ping\",\"ref\":\"fence\"}");
        List<String> before = new ArrayList<>();
        while (true) {
            String text = nextText();
            JsonObject frame = parse(text);
            String type = frame.getString("type", "");
            if ("pong".equals(type)) {
                return before;
            }
            if (!"heartbeat".equals(type)) {
                before.add(text);
            }
        }
    }

    /**
     * The same fence for a {@code /ws/chat} member: it sends a line to its own room and returns every
     * text received before that line came back.
     */
    public List<String> linesBeforeEcho(int room) throws IOException {
        String fence = "fence-" + System.nanoTime();
        send(fence);
        List<String> before = new ArrayList<>();
        for (String text = nextText(); !text.equals("Room " + room + ": " + fence); text = nextText()) {
            before.add(text);
        }
        return before;
    }

    public static Predicate<JsonObject> type(String type) {
        return frame -> type.equals(frame.getString("type", ""));
    }

    /** A {@code presence} frame of this event ({@code join}, {@code leave}) for this user. */
    public static Predicate<JsonObject> presence(String event, String user) {
        return f -> "presence".equals(f.getString("type", "")) && event.equals(f.getString("event"))
                && user.equals(f.getString("user"));
    }

    /** Every text frame already received, without waiting. */
    public List<String> drainTexts() {
        List<String> out = new ArrayList<>();
        texts.drainTo(out);
        return out;
    }

    public CloseReason awaitClose(Duration wait) {
        try {
            return closed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("connection not closed within " + wait, e);
        }
    }

    public boolean isOpen() {
        return session.isOpen();
    }

    /** Fails when the server sent a JSON frame that docs/asyncapi.yaml does not allow. */
    public void assertFramesMeetTheContract() {
        if (!violations.isEmpty()) {
            throw new AssertionError("server frames break docs/asyncapi.yaml: " + violations);
        }
    }

    public static JsonObject parse(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static <T> T poll(BlockingQueue<T> queue, Duration wait, String what) {
        try {
            T item = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (item == null) {
                throw new AssertionError("no " + what + " within " + wait);
            }
            return item;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        try {
            if (session.isOpen()) {
                session.close();
            }
        } catch (IOException e) {
            // already gone
        }
        assertFramesMeetTheContract();
    }
}
