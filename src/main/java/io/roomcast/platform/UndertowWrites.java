package io.roomcast.platform;

import jakarta.websocket.Session;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The send path on Undertow (WildFly), by reflection only: {@code WebSockets.sendText/sendBinary(ByteBuffer,
 * WebSocketChannel, WebSocketCallback, context)} on the session's {@code UndertowSession.getWebSocketChannel()},
 * the calls Undertow's own {@code RemoteEndpoint.Async} makes, except that it is given the message's
 * UTF-8 payload, encoded once and shared (a fresh buffer over the same array for each member), where
 * {@code sendText(String)} encodes the text again for every member. Undertow writes each frame's header
 * itself (a few bytes per member) and applies any negotiated extension.
 *
 * <p>Several frames queued for one member are written together: the channel is told to wait for an
 * explicit flush ({@code setRequireExplicitFlush(true)}, what Undertow's own
 * {@code RemoteEndpoint.setBatchingAllowed} does), every frame is queued on it, the flag is cleared
 * and the channel flushed once: its {@code AbstractFramedChannel.flushSenders} writes all queued
 * frames with one gathering write, in one I/O-thread task. (Without that, each frame queued from the
 * I/O thread, where completions arrive, is flushed and written on its own.) A frame Undertow queues
 * meanwhile (a pong, a close) goes out with that flush. The batch stays below Undertow's queued-frames
 * high-water mark (50), over which it stops reading from the peer.
 *
 * <p>Completion: one {@code WebSocketCallback} proxy serves the whole deployment; each frame's context
 * object takes its callback once (Undertow's own adapter guards against a second call too), and a
 * batch reports once: at its first failure, or when all its frames are written.
 */
final class UndertowWrites implements SendPath.Writers {

    static final String SESSION = "io.undertow.websockets.jsr.UndertowSession";
    static final String WEB_SOCKETS = "io.undertow.websockets.core.WebSockets";
    static final String CHANNEL = "io.undertow.websockets.core.WebSocketChannel";
    static final String CALLBACK = "io.undertow.websockets.core.WebSocketCallback";

    static final int MAX_BATCH_FRAMES = 16;
    static final long MAX_BATCH_BYTES = 64 * 1024;

    private final Class<?> sessionType;
    /** {@code (Object session) -> Object channel} */
    private final MethodHandle channelOf;
    /** {@code (ByteBuffer payload, Object channel, Object callback, Object context) -> void} */
    private final MethodHandle sendText;
    private final MethodHandle sendBinary;
    private final MethodHandle sendPing;
    /** {@code (Object channel, boolean required) -> void} */
    private final MethodHandle setRequireExplicitFlush;
    /** {@code (Object channel) -> void} */
    private final MethodHandle flush;
    private final Object callback;

    private UndertowWrites(Class<?> sessionType, MethodHandle channelOf, MethodHandle sendText, MethodHandle sendBinary,
                           MethodHandle sendPing, MethodHandle setRequireExplicitFlush, MethodHandle flush,
                           Object callback) {
        this.sessionType = sessionType;
        this.channelOf = channelOf;
        this.sendText = sendText;
        this.sendBinary = sendBinary;
        this.sendPing = sendPing;
        this.setRequireExplicitFlush = setRequireExplicitFlush;
        this.flush = flush;
        this.callback = callback;
    }

    static UndertowWrites probe(ClassLoader loader) throws ReflectiveOperationException {
        Class<?> session = Class.forName(SESSION, false, loader);
        Class<?> webSockets = Class.forName(WEB_SOCKETS, false, loader);
        Class<?> channel = Class.forName(CHANNEL, false, loader);
        Class<?> callbackType = Class.forName(CALLBACK, false, loader);
        Method getChannel = session.getMethod("getWebSocketChannel");
        if (!channel.isAssignableFrom(getChannel.getReturnType())) {
            throw new NoSuchMethodException(SESSION + ".getWebSocketChannel returns " + getChannel.getReturnType().getName());
        }
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        MethodType send = MethodType.methodType(void.class, ByteBuffer.class, Object.class, Object.class, Object.class);
        Object callback = Proxy.newProxyInstance(callbackType.getClassLoader(), new Class<?>[] {callbackType}, new Callback());
        return new UndertowWrites(session,
                lookup.unreflect(getChannel).asType(MethodType.methodType(Object.class, Object.class)),
                lookup.unreflect(webSockets.getMethod("sendText", ByteBuffer.class, channel, callbackType, Object.class)).asType(send),
                lookup.unreflect(webSockets.getMethod("sendBinary", ByteBuffer.class, channel, callbackType, Object.class)).asType(send),
                lookup.unreflect(webSockets.getMethod("sendPing", ByteBuffer.class, channel, callbackType, Object.class)).asType(send),
                lookup.unreflect(channel.getMethod("setRequireExplicitFlush", boolean.class))
                        .asType(MethodType.methodType(void.class, Object.class, boolean.class)),
                lookup.unreflect(channel.getMethod("flush")).asType(MethodType.methodType(void.class, Object.class)),
                callback);
    }

    @Override
    public String describe() {
        return "Undertow WebSockets.sendText/sendBinary with each message's payload encoded once and shared by every"
                + " member; up to " + MAX_BATCH_FRAMES + " queued frames (" + MAX_BATCH_BYTES / 1024
                + " KB) queued together and flushed once (one gathering write)";
    }

    @Override
    public FrameWriter forSession(Session session) throws Throwable {
        if (!sessionType.isInstance(session)) {
            throw new IllegalStateException("the session is a " + session.getClass().getName());
        }
        Object channel = (Object) channelOf.invokeExact((Object) session);
        if (channel == null) {
            throw new IllegalStateException("the session has no channel");
        }
        return new Writer(channel);
    }

    private final class Writer implements FrameWriter {
        private final Object channel;

        Writer(Object channel) {
            this.channel = channel;
        }

        @Override
        public void write(WireFrame frame, Consumer<Throwable> done) {
            send(frame, new Part(new Batch(1, done)));
        }

        @Override
        public void write(List<WireFrame> frames, Consumer<Throwable> done) {
            Batch batch = new Batch(frames.size(), done);
            try {
                setRequireExplicitFlush.invokeExact(channel, true);
            } catch (Throwable e) {
                batch.failed(e);
                return;
            }
            try {
                for (WireFrame frame : frames) {
                    if (!send(frame, new Part(batch))) {
                        break; // reported; the rest would not be written either
                    }
                }
            } finally {
                try {
                    setRequireExplicitFlush.invokeExact(channel, false);
                    flush.invokeExact(channel);
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Throwable e) {
                    batch.failed(e);
                }
            }
        }

        private boolean send(WireFrame frame, Part part) {
            try {
                (frame.isText() ? sendText : frame.isPing() ? sendPing : sendBinary)
                        .invokeExact(frame.payload(), channel, callback, (Object) part);
                return true;
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                part.failed(e);
                return false;
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

    /** The frames of one write not yet written; -1 once {@code done} was called. */
    static final class Batch extends AtomicInteger {
        private final Consumer<Throwable> done;

        Batch(int frames, Consumer<Throwable> done) {
            super(frames);
            this.done = done;
        }

        void written() {
            if (decrementAndGet() == 0) {
                done.accept(null);
            }
        }

        void failed(Throwable failure) {
            int left;
            do {
                left = get();
                if (left <= 0) {
                    return;
                }
            } while (!compareAndSet(left, -1));
            done.accept(failure);
        }
    }

    /** One frame of a batch: the callback's context, which takes the first of its callbacks only. */
    static final class Part extends AtomicBoolean {
        private final Batch batch;

        Part(Batch batch) {
            this.batch = batch;
        }

        void written() {
            if (compareAndSet(false, true)) {
                batch.written();
            }
        }

        void failed(Throwable failure) {
            if (compareAndSet(false, true)) {
                batch.failed(failure);
            }
        }
    }

    /** {@code WebSocketCallback}: {@code complete(channel, context)} and {@code onError(channel, context, throwable)}. */
    private static final class Callback implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            switch (method.getName()) {
                case "complete" -> {
                    if (args[1] instanceof Part part) {
                        part.written();
                    }
                    return null;
                }
                case "onError" -> {
                    if (args[1] instanceof Part part) {
                        part.failed((Throwable) args[2]);
                    }
                    return null;
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "toString" -> {
                    return "Roomcast send callback";
                }
                default -> {
                    return null;
                }
            }
        }
    }
}
