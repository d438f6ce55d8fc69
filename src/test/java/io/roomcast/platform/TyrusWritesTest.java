package io.roomcast.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.glassfish.tyrus.core.TyrusWebSocket;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;
import org.junit.jupiter.api.Test;

/**
 * The Tyrus path against Tyrus 2.1.5's own classes (the core Payara Micro 6 ships): a connected
 * {@code TyrusWebSocket} whose connection writer records what it is given, as the servlet writer would
 * write it, and completes when the test says.
 */
class TyrusWritesTest {

    /** The connection's writer: the bytes of each write call, and its completion handler. */
    static final class RecordingWriter extends Writer {
        final List<byte[]> writes = new ArrayList<>();
        final List<CompletionHandler<ByteBuffer>> pending = new ArrayList<>();

        @Override
        public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> completionHandler) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            writes.add(bytes);
            pending.add(completionHandler);
        }

        @Override
        public void close() throws IOException {
        }
    }

    private final RecordingWriter connection = new RecordingWriter();
    private final FrameWriter writer;

    TyrusWritesTest() throws Exception {
        Constructor<?> protocolHandler = Class.forName("org.glassfish.tyrus.core.ProtocolHandler")
                .getDeclaredConstructor(boolean.class, Class.forName("org.glassfish.tyrus.core.MaskingKeyGenerator"));
        protocolHandler.setAccessible(true);
        Object handler = protocolHandler.newInstance(false, null);
        handler.getClass().getMethod("setWriter", Writer.class).invoke(handler, connection);
        Constructor<TyrusWebSocket> socket = TyrusWebSocket.class.getConstructor(handler.getClass(),
                Class.forName("org.glassfish.tyrus.core.TyrusEndpointWrapper"));
        TyrusWebSocket webSocket = socket.newInstance(handler, null);
        webSocket.onConnect(null, null, List.of(), "test", null);
        writer = TyrusWrites.probe(getClass().getClassLoader()).writerFor(webSocket);
    }

    private static byte[] concat(WireFrame... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (WireFrame frame : frames) {
            ByteBuffer bytes = frame.frame();
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        }
        return out.toByteArray();
    }

    @Test
    void aFrameIsWrittenAsEncodedAndReportedWhenTheWriterCompletes() {
        WireFrame frame = WireFrame.text("hello");
        AtomicReference<Object> done = new AtomicReference<>();
        writer.write(frame, failure -> assertThat(done.getAndSet(failure == null ? "ok" : failure)).isNull());

        assertThat(connection.writes).containsExactly(concat(frame));
        assertThat(done).hasValue(null);
        connection.pending.get(0).completed(null);
        assertThat(done).hasValue("ok");
    }

    @Test
    void severalFramesAreOneWriteOfTheirBytesInOrder() {
        WireFrame a = WireFrame.text("a");
        WireFrame b = WireFrame.binary(ByteBuffer.wrap(new byte[300]));
        WireFrame c = WireFrame.text("ç".repeat(100));
        List<Throwable> done = new ArrayList<>();
        writer.write(List.of(a, b, c), done::add);

        assertThat(connection.writes).hasSize(1);
        assertThat(connection.writes.get(0)).isEqualTo(concat(a, b, c));
        connection.pending.get(0).completed(null);
        assertThat(done).containsExactly((Throwable) null);
    }

    @Test
    void aFailedWriteIsReportedOnceWithItsCause() {
        IOException broken = new IOException("broken pipe");
        List<Throwable> done = new ArrayList<>();
        writer.write(WireFrame.text("x"), done::add);
        connection.pending.get(0).failed(broken);
        assertThat(done).containsExactly(broken);
    }

    @Test
    void aWriteToAClosedSocketFailsAtOnce() throws Exception {
        Constructor<?> protocolHandler = Class.forName("org.glassfish.tyrus.core.ProtocolHandler")
                .getDeclaredConstructor(boolean.class, Class.forName("org.glassfish.tyrus.core.MaskingKeyGenerator"));
        protocolHandler.setAccessible(true);
        Object handler = protocolHandler.newInstance(false, null);
        TyrusWebSocket neverConnected = TyrusWebSocket.class.getConstructor(handler.getClass(),
                Class.forName("org.glassfish.tyrus.core.TyrusEndpointWrapper")).newInstance(handler, null);
        FrameWriter closed = TyrusWrites.probe(getClass().getClassLoader()).writerFor(neverConnected);

        List<Throwable> done = new ArrayList<>();
        closed.write(WireFrame.text("x"), done::add);
        assertThat(done).singleElement().isNotNull();
    }
}
