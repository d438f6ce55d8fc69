package io.roomcast.platform;

import jakarta.websocket.Session;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The send path on Tyrus (Payara), by reflection only: {@code TyrusWebSocket.sendRawFrame(ByteBuffer)},
 * the call Tyrus's own broadcast makes ({@code TyrusEndpointWrapper.broadcast} frames a message once and
 * writes the same bytes to every session). The frame goes straight to the connection's writer (the
 * servlet writer on Payara: one {@code ServletOutputStream.write} and {@code flush} per call), past
 * Tyrus's per-send framing and UTF-8 encoding.
 *
 * <p>Several frames queued for one member are copied into one buffer and written by one call, so they
 * cost one write and one flush; a single frame is written from the shared array, uncopied (a writable
 * buffer: Tyrus's servlet writer copies a buffer without an accessible array once more).
 *
 * <p>Completion: {@code sendRawFrame} returns a {@code TyrusFuture}, which is a {@link CompletableFuture}
 * completed by the writer's completion handler; checked at start-up. A session with a negotiated
 * extension (permessage-deflate) is not given this path: a raw frame would skip the extension. Unlike
 * {@code RemoteEndpoint.Async}, a raw frame (the heartbeat's ping included) does not restart the
 * session's idle timer; that timer is only a backstop, twice the heartbeat timeout, and every frame
 * received from the peer restarts it, the pong that answers each ping included.
 */
final class TyrusWrites implements SendPath.Writers {

    static final String REMOTE_ENDPOINT = "org.glassfish.tyrus.core.TyrusRemoteEndpoint";
    static final String WEB_SOCKET = "org.glassfish.tyrus.core.TyrusWebSocket";
    static final String FUTURE = "org.glassfish.tyrus.core.TyrusFuture";
    static final String WEB_SOCKET_FIELD = "webSocket";
    static final String SEND_RAW_FRAME = "sendRawFrame";

    /** Frames copied into one write: small frames, whose per-write cost (a flush each) is larger than the copy. */
    static final int MAX_BATCH_FRAMES = 32;
    static final long MAX_BATCH_BYTES = 16 * 1024;

    private final Class<?> remoteType;
    /** {@code (Object remote) -> Object webSocket} */
    private final MethodHandle webSocketOf;
    /** {@code (Object webSocket, ByteBuffer frame) -> Object future} */
    private final MethodHandle sendRawFrame;

    private TyrusWrites(Class<?> remoteType, MethodHandle webSocketOf, MethodHandle sendRawFrame) {
        this.remoteType = remoteType;
        this.webSocketOf = webSocketOf;
        this.sendRawFrame = sendRawFrame;
    }

    /** Finds what the path needs in this Tyrus; throws when anything is missing or different. */
    static TyrusWrites probe(ClassLoader loader) throws ReflectiveOperationException {
        Class<?> remote = Class.forName(REMOTE_ENDPOINT, false, loader);
        Class<?> webSocket = Class.forName(WEB_SOCKET, false, loader);
        Class<?> future = Class.forName(FUTURE, false, loader);
        if (!CompletableFuture.class.isAssignableFrom(future)) {
            throw new NoSuchMethodException(FUTURE + " is not a CompletableFuture");
        }
        Field field = remote.getDeclaredField(WEB_SOCKET_FIELD);
        if (!webSocket.isAssignableFrom(field.getType())) {
            throw new NoSuchFieldException(REMOTE_ENDPOINT + "." + WEB_SOCKET_FIELD + " is a " + field.getType().getName());
        }
        field.setAccessible(true);
        Method send = webSocket.getMethod(SEND_RAW_FRAME, ByteBuffer.class);
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        return new TyrusWrites(remote,
                lookup.unreflectGetter(field).asType(MethodType.methodType(Object.class, Object.class)),
                lookup.unreflect(send).asType(MethodType.methodType(Object.class, Object.class, ByteBuffer.class)));
    }

    @Override
    public String describe() {
        return "Tyrus raw frames (TyrusWebSocket.sendRawFrame): each message framed once, the same bytes to every"
                + " member; up to " + MAX_BATCH_FRAMES + " queued frames (" + MAX_BATCH_BYTES / 1024
                + " KB) in one write";
    }

    @Override
    public FrameWriter forSession(Session session) throws Throwable {
        if (!session.getNegotiatedExtensions().isEmpty()) {
            return null; // an extension transforms frames: Tyrus must frame them itself
        }
        Object remote = session.getAsyncRemote();
        if (!remoteType.isInstance(remote)) {
            throw new IllegalStateException("the async remote is a " + remote.getClass().getName());
        }
        Object webSocket = (Object) webSocketOf.invokeExact(remote);
        if (webSocket == null) {
            throw new IllegalStateException("the async remote has no web socket");
        }
        return writerFor(webSocket);
    }

    /** The writer of a {@code TyrusWebSocket}. */
    FrameWriter writerFor(Object webSocket) {
        return new Writer(webSocket);
    }

    private final class Writer implements FrameWriter {
        private final Object webSocket;

        Writer(Object webSocket) {
            this.webSocket = webSocket;
        }

        @Override
        public void write(WireFrame frame, Consumer<Throwable> done) {
            send(frame.frame(), done);
        }

        @Override
        public void write(List<WireFrame> frames, Consumer<Throwable> done) {
            if (frames.size() == 1) {
                write(frames.get(0), done);
                return;
            }
            int length = 0;
            for (WireFrame frame : frames) {
                length += frame.length();
            }
            ByteBuffer joined = ByteBuffer.allocate(length);
            for (WireFrame frame : frames) {
                frame.copyTo(joined);
            }
            joined.flip();
            send(joined, done);
        }

        private void send(ByteBuffer bytes, Consumer<Throwable> done) {
            Object future;
            try {
                future = (Object) sendRawFrame.invokeExact(webSocket, bytes);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                done.accept(e); // not connected any more, or the writer is gone
                return;
            }
            if (future instanceof CompletableFuture<?> written) {
                // Runs at once, on this thread, when the writer took the bytes inline.
                written.whenComplete((frame, failure) -> done.accept(failure));
            } else {
                done.accept(new IllegalStateException("sendRawFrame returned " + future));
            }
        }

        @Override
        public int maxBatchFrames() {
            return MAX_BATCH_FRAMES;
        }

        @Override
        public long maxBatchBytes() {
            return MAX_BATCH_BYTES;
        }
    }
}
