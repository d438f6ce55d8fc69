package io.roomcast.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The chat endpoint's wire format (PROTOCOL 3.1). */
class ChatLinesTest {

    @Test
    void aMessageLineIsRoomNColonTheTextUnchanged() {
        assertThat(ChatLines.message(7, "hi")).isEqualTo("Room 7: hi");
        assertThat(ChatLines.message(2147483647, " two  spaces: and \"quotes\"\n"))
                .isEqualTo("Room 2147483647:  two  spaces: and \"quotes\"\n");
    }
}
