package io.roomcast.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.glassfish.tyrus.core.frame.BinaryFrame;
import org.glassfish.tyrus.core.frame.Frame;
import org.glassfish.tyrus.core.frame.TextFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Server frames as RFC 6455 5.2 lays them out: FIN, opcode, no mask, 7/16/64-bit payload length. */
class WireFrameTest {

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] out = new byte[view.remaining()];
        view.get(out);
        return out;
    }

    private static byte[] payloadOf(int length) {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
        return payload;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 65535, 65536, 70_000})
    void theHeaderCarriesFinTheOpcodeAndTheShortestLengthEncoding(int length) {
        byte[] payload = payloadOf(length);
        WireFrame frame = WireFrame.binary(ByteBuffer.wrap(payload));
        byte[] wire = bytes(frame.frame());

        assertThat(wire[0] & 0xFF).isEqualTo(0x82); // FIN + binary, no RSV bits
        assertThat(wire[1] & 0x80).as("server frames are not masked").isZero();
        int header;
        if (length <= 125) {
            header = 2;
            assertThat(wire[1] & 0x7F).isEqualTo(length);
        } else if (length <= 65535) {
            header = 4;
            assertThat(wire[1] & 0x7F).isEqualTo(126);
            assertThat(((wire[2] & 0xFF) << 8) | (wire[3] & 0xFF)).isEqualTo(length);
        } else {
            header = 10;
            assertThat(wire[1] & 0x7F).isEqualTo(127);
            long declared = 0;
            for (int i = 2; i < 10; i++) {
                declared = (declared << 8) | (wire[i] & 0xFF);
            }
            assertThat(declared).isEqualTo(length);
        }
        assertThat(wire).hasSize(header + length);
        assertThat(Arrays.copyOfRange(wire, header, wire.length)).isEqualTo(payload);
        assertThat(frame.length()).isEqualTo(header + length);
        assertThat(frame.payloadLength()).isEqualTo(length);
        assertThat(bytes(frame.payload())).isEqualTo(payload);
        assertThat(frame.isText()).isFalse();
    }

    @Test
    void aTextFrameCarriesTheUtf8OfItsText() {
        String text = "héllo € 𝄞 Здравствуйте 你好";
        WireFrame frame = WireFrame.text(text);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);

        byte[] wire = bytes(frame.frame());
        assertThat(wire[0] & 0xFF).isEqualTo(0x81); // FIN + text
        assertThat(wire[1]).isEqualTo((byte) utf8.length);
        assertThat(bytes(frame.payload())).isEqualTo(utf8);
        assertThat(frame.isText()).isTrue();
    }

    @Test
    void everyWriteGetsItsOwnBufferOverTheSameBytes() {
        WireFrame frame = WireFrame.text("shared");
        ByteBuffer first = frame.frame();
        first.position(first.limit()); // one member's writer consumed its buffer
        ByteBuffer second = frame.frame();
        assertThat(second.remaining()).isEqualTo(frame.length());
        // Tyrus's servlet writer copies a buffer without an accessible array: these have one.
        assertThat(second.hasArray()).isTrue();
        assertThat(frame.payload().hasArray()).isTrue();
        assertThat(frame.payload().position()).isZero();
    }

    @Test
    void aBinaryFrameLeavesItsSourceBufferWhereItWas() {
        ByteBuffer source = ByteBuffer.wrap(payloadOf(10));
        source.position(3);
        WireFrame frame = WireFrame.binary(source);
        assertThat(source.position()).isEqualTo(3);
        assertThat(frame.payloadLength()).isEqualTo(7);
    }

    /** The bytes Tyrus's own broadcast writes (ProtocolHandler.frame on a server handler), Tyrus 2.1.5 as on Payara 6. */
    @ParameterizedTest
    @ValueSource(ints = {0, 125, 126, 65535, 65536})
    void theSameBytesAsTyrusFramesForItsBroadcast(int length) throws Exception {
        Constructor<?> constructor = Class.forName("org.glassfish.tyrus.core.ProtocolHandler")
                .getDeclaredConstructor(boolean.class, Class.forName("org.glassfish.tyrus.core.MaskingKeyGenerator"));
        constructor.setAccessible(true);
        Object serverHandler = constructor.newInstance(false, null);
        Method frame = serverHandler.getClass().getDeclaredMethod("frame", Frame.class);
        frame.setAccessible(true);

        String text = "ü".repeat(length / 2) + "x".repeat(length % 2);
        assertThat(bytes(WireFrame.text(text).frame()))
                .isEqualTo(bytes((ByteBuffer) frame.invoke(serverHandler, new TextFrame(text, false, true))));
        byte[] payload = payloadOf(length);
        assertThat(bytes(WireFrame.binary(ByteBuffer.wrap(payload)).frame()))
                .isEqualTo(bytes((ByteBuffer) frame.invoke(serverHandler, new BinaryFrame(payload, false, true))));
    }
}
