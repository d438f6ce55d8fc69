package io.roomcast.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FrameHeaderGuardTest {

    private final AtomicInteger refusals = new AtomicInteger();
    private final FrameHeaderGuard guard = new FrameHeaderGuard(100, 1000, refusals::incrementAndGet);

    /** A masked client frame header (zero key) declaring the length, followed by the payload given. */
    static byte[] frame(int first, long declared, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(first);
        if (declared >= 0 && declared < 126) {
            out.write(0x80 | (int) declared);
        } else if (declared >= 0 && declared < 65536) {
            out.write(0x80 | 126);
            out.write((int) (declared >>> 8));
            out.write((int) declared & 0xFF);
        } else {
            out.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                out.write((int) (declared >>> (8 * i)) & 0xFF);
            }
        }
        out.writeBytes(new byte[4]);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private byte[] feed(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        guard.feed(bytes, 0, bytes.length, out);
        return out.toByteArray();
    }

    @Test
    void framesWithinTheLimitsPassUnchangedEvenByteByByte() {
        byte[] text = frame(0x81, 100, new byte[100]);
        byte[] binary = frame(0x82, 1000, new byte[1000]);
        byte[] ping = frame(0x89, 3, new byte[3]);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(text);
        all.writeBytes(ping);
        all.writeBytes(binary);
        byte[] stream = all.toByteArray();
        ByteArrayOutputStream passed = new ByteArrayOutputStream();
        for (byte b : stream) {
            guard.feed(new byte[] {b}, 0, 1, passed);
        }
        assertThat(passed.toByteArray()).isEqualTo(stream);
        assertThat(guard.refused()).isFalse();
    }

    @Test
    void aHeaderDeclaring2To62BytesIsRefusedWithoutWaitingForThePayload() {
        assertThat(feed(frame(0x82, 1L << 62, new byte[0]))).isEqualTo(FrameHeaderGuard.CLOSE_TOO_BIG);
        assertThat(guard.refused()).isTrue();
        assertThat(refusals).hasValue(1);
        assertThat(feed(frame(0x81, 5, new byte[5]))).isEmpty();
    }

    @Test
    void aTextHeaderOneOverMaxTextIsRefusedButABinaryOneOfThatSizePasses() {
        byte[] binary = frame(0x82, 101, new byte[0]);
        assertThat(feed(binary)).isEqualTo(binary);
        FrameHeaderGuard fresh = new FrameHeaderGuard(100, 1000, () -> { });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] text = frame(0x81, 101, new byte[0]);
        fresh.feed(text, 0, text.length, out);
        assertThat(out.toByteArray()).isEqualTo(FrameHeaderGuard.CLOSE_TOO_BIG);
    }

    @Test
    void anInvalid64BitLengthIsRefused() {
        assertThat(feed(frame(0x81, -1L, new byte[0]))).isEqualTo(FrameHeaderGuard.CLOSE_TOO_BIG);
    }

    @Test
    void aFragmentedMessageIsJudgedByItsTotal() {
        byte[] first = frame(0x01, 60, new byte[60]);
        byte[] second = frame(0x00, 40, new byte[40]);
        assertThat(feed(first)).isEqualTo(first);
        assertThat(feed(second)).isEqualTo(second);
        assertThat(feed(frame(0x80, 1, new byte[0]))).isEqualTo(FrameHeaderGuard.CLOSE_TOO_BIG);
    }

    @Test
    void aNewMessageStartsFromZero() {
        byte[] whole = frame(0x81, 100, new byte[100]);
        assertThat(feed(whole)).isEqualTo(whole);
        assertThat(feed(whole)).isEqualTo(whole);
    }

    @Test
    void compressedFramesAreLeftToTheApplicationsCheck() {
        byte[] compressed = frame(0xC1, 5000, new byte[0]);
        assertThat(feed(compressed)).isEqualTo(compressed);
    }
}
