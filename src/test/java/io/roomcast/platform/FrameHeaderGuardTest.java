package io.roomcast.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FrameHeaderGuardTest {

    private final AtomicInteger refusals = new AtomicInteger();
    private final AtomicInteger lastCode = new AtomicInteger();
    private final FrameHeaderGuard guard = guard(NegotiatedExtensions.NONE);

    private FrameHeaderGuard guard(NegotiatedExtensions extensions) {
        return new FrameHeaderGuard(100, 1000, extensions, code -> {
            refusals.incrementAndGet();
            lastCode.set(code);
        });
    }

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
        return feed(guard, bytes);
    }

    private static byte[] feed(FrameHeaderGuard guard, byte[] bytes) {
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
        FrameHeaderGuard fresh = guard(NegotiatedExtensions.NONE);
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

    // --- PROTOCOL 13.8: reserved bits ---

    @Test
    void rsv1Rsv2OrRsv3WithoutANegotiatedExtensionIs1002FromTheHeaderAlone() {
        for (int reserved : new int[] {0x40, 0x20, 0x10, 0x70}) {
            for (int opcode : new int[] {0x1, 0x2, 0x9, 0x8}) {
                FrameHeaderGuard fresh = guard(NegotiatedExtensions.NONE);
                byte[] header = frame(0x80 | reserved | opcode, opcode >= 0x8 ? 2 : 1L << 62, new byte[0]);
                if (opcode >= 0x8) {
                    assertThat(feed(fresh, header)).as("rsv %x opcode %x", reserved, opcode)
                            .isEqualTo(FrameHeaderGuard.CLOSE_PROTOCOL_ERROR);
                } else {
                    // A data frame this long is over the limit: 1009 wins whatever the reserved bits.
                    assertThat(feed(fresh, header)).isEqualTo(FrameHeaderGuard.CLOSE_TOO_BIG);
                }
                assertThat(fresh.refused()).isTrue();
            }
        }
        assertThat(feed(frame(0xC1, 10, new byte[0]))).isEqualTo(FrameHeaderGuard.CLOSE_PROTOCOL_ERROR);
        assertThat(lastCode).hasValue(FrameHeaderGuard.PROTOCOL_ERROR);
        assertThat(feed(frame(0x81, 5, new byte[5]))).as("nothing passes after a refusal").isEmpty();
    }

    @Test
    void aReservedBitOnAContinuationOfAPlainMessageIs1002() {
        byte[] first = frame(0x01, 10, new byte[10]);
        assertThat(feed(first)).isEqualTo(first);
        assertThat(feed(frame(0xA0, 10, new byte[10]))).isEqualTo(FrameHeaderGuard.CLOSE_PROTOCOL_ERROR);
    }

    @Test
    void aDeclaredLengthOverTheLimitIs1009WhateverTheReservedBits() {
        for (NegotiatedExtensions extensions : NegotiatedExtensions.values()) {
            for (int reserved : new int[] {0x40, 0x20, 0x10, 0x70}) {
                FrameHeaderGuard fresh = guard(extensions);
                assertThat(feed(fresh, frame(0x81 | reserved, 101, new byte[0]))).as("%s rsv %x", extensions, reserved)
                        .isEqualTo(FrameHeaderGuard.CLOSE_TOO_BIG);
                assertThat(lastCode).hasValue(FrameHeaderGuard.TOO_BIG);
            }
        }
    }

    @Test
    void withPermessageDeflateRsv1PassesOnTheFirstFrameOfADataMessageOnly() {
        FrameHeaderGuard deflate = guard(NegotiatedExtensions.PERMESSAGE_DEFLATE);
        byte[] compressed = frame(0xC1, 100, new byte[100]);
        assertThat(feed(deflate, compressed)).isEqualTo(compressed);
        byte[] first = frame(0x42, 500, new byte[500]);
        byte[] ping = frame(0x89, 0, new byte[0]);
        byte[] last = frame(0x80, 500, new byte[500]);
        assertThat(feed(deflate, first)).isEqualTo(first);
        assertThat(feed(deflate, ping)).isEqualTo(ping);
        assertThat(feed(deflate, last)).isEqualTo(last);
        assertThat(deflate.refused()).isFalse();

        assertThat(feed(guard(NegotiatedExtensions.PERMESSAGE_DEFLATE), frame(0xC9, 0, new byte[0])))
                .as("RSV1 on a control frame").isEqualTo(FrameHeaderGuard.CLOSE_PROTOCOL_ERROR);
        FrameHeaderGuard continued = guard(NegotiatedExtensions.PERMESSAGE_DEFLATE);
        feed(continued, frame(0x41, 10, new byte[10]));
        assertThat(feed(continued, frame(0xC0, 10, new byte[0]))).as("RSV1 on a continuation")
                .isEqualTo(FrameHeaderGuard.CLOSE_PROTOCOL_ERROR);
        assertThat(feed(guard(NegotiatedExtensions.PERMESSAGE_DEFLATE), frame(0xA1, 10, new byte[0])))
                .as("RSV2").isEqualTo(FrameHeaderGuard.CLOSE_PROTOCOL_ERROR);
    }

    @Test
    void aCompressedMessageIsJudgedByItsCompressedLengthLikeAnyOther() {
        FrameHeaderGuard deflate = guard(NegotiatedExtensions.PERMESSAGE_DEFLATE);
        byte[] first = frame(0x41, 60, new byte[60]);
        assertThat(feed(deflate, first)).isEqualTo(first);
        assertThat(feed(deflate, frame(0x80, 41, new byte[0]))).isEqualTo(FrameHeaderGuard.CLOSE_TOO_BIG);
    }

    @Test
    void withAnExtensionTheGuardDoesNotKnowReservedBitsAreTheContainersBusiness() {
        FrameHeaderGuard other = guard(NegotiatedExtensions.OTHER);
        byte[] frame = frame(0xF1, 10, new byte[10]);
        assertThat(feed(other, frame)).isEqualTo(frame);
    }
}
