package io.roomcast.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameSizeTest {

    @ParameterizedTest
    @ValueSource(strings = {"plain ascii", "é à ü", "漢字テキスト", "emoji 😀😀", "mixed é漢😀"})
    void theLimitIsMeasuredInUtf8Bytes(String text) {
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        assertThat(FrameSize.utf8LengthExceeds(text, bytes)).isFalse();
        assertThat(FrameSize.utf8LengthExceeds(text, bytes - 1)).isTrue();
    }

    @Test
    void longAsciiTextIsComparedByLength() {
        assertThat(FrameSize.utf8LengthExceeds("x".repeat(1025), 1024)).isTrue();
        assertThat(FrameSize.utf8LengthExceeds("x".repeat(1024), 1024)).isFalse();
    }
}
