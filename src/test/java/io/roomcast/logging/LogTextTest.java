package io.roomcast.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** PROTOCOL 13.9: logs escape what they quote from clients. */
class LogTextTest {

    @Test
    void plainTextStaysAsItIs() {
        assertThat(LogText.escape("/ws/chat/7")).isEqualTo("/ws/chat/7");
        assertThat(LogText.escape("Zoë 山田 🎉 \"quoted\" {0}")).isEqualTo("Zoë 山田 🎉 \"quoted\" {0}");
        assertThat(LogText.escape(null)).isEqualTo("null");
    }

    @Test
    void aForgedLogLineStaysOnItsLine() {
        assertThat(LogText.escape("alice\n[INFO] admin logged in\r\n"))
                .isEqualTo("alice\\n[INFO] admin logged in\\r\\n").doesNotContain("\n").doesNotContain("\r");
        assertThat(LogText.escape("a\u2028b\u2029c\u0085d")).isEqualTo("a\\u2028b\\u2029c\\u0085d");
    }

    @Test
    void controlAndFormatCharactersBecomeEscapes() {
        assertThat(LogText.escape("\u001b[31mred\u001b[0m")).isEqualTo("\\u001B[31mred\\u001B[0m");
        assertThat(LogText.escape("tab\tnul\u0000del\u007f")).isEqualTo("tab\\tnul\\u0000del\\u007F");
        assertThat(LogText.escape("evil\u202Etxt.exe")).as("bidi override").isEqualTo("evil\\u202Etxt.exe");
        assertThat(LogText.escape("zero\u200Bwidth")).isEqualTo("zero\\u200Bwidth");
        assertThat(LogText.escape("tag\uDB40\uDC01")).as("a format character outside the BMP").isEqualTo("tag\\uDB40\\uDC01");
    }

    @Test
    void aBackslashIsDoubledSoAnEscapeCannotBeForged() {
        assertThat(LogText.escape("a\\nb")).isEqualTo("a\\\\nb");
    }

    @Test
    void anUnpairedSurrogateIsEscaped() {
        assertThat(LogText.escape("x\uD800y")).isEqualTo("x\\uD800y");
        assertThat(LogText.escape("x\uDC00")).isEqualTo("x\\uDC00");
    }

    @Test
    void aLongValueIsCutSayingHowMuch() {
        String escaped = LogText.escape("k".repeat(LogText.MAX_CHARS + 1000));
        assertThat(escaped).isEqualTo("k".repeat(LogText.MAX_CHARS) + "...(1000 more chars)");
        assertThat(LogText.escape("k".repeat(LogText.MAX_CHARS))).isEqualTo("k".repeat(LogText.MAX_CHARS));
    }
}
