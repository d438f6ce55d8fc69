package io.roomcast.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrameEncoderTest {

    private final FrameEncoder encoder = new FrameEncoder();

    @Test
    void nullsAreWrittenAndTypeComesFirst() {
        assertThat(encoder.encode(new ServerFrames.Message(7, "m-1", "alice", "hi", null, 5L)))
                .isEqualTo("{\"type\":\"message\",\"room\":7,\"id\":\"m-1\",\"from\":\"alice\",\"text\":\"hi\",\"ref\":null,\"timestamp\":5}");
        assertThat(encoder.encode(new ServerFrames.Welcome("c-1", "guest-1", null, "127.0.0.1", 30, 9L)))
                .isEqualTo("{\"type\":\"welcome\",\"connectionId\":\"c-1\",\"user\":\"guest-1\",\"clientId\":null,"
                        + "\"address\":\"127.0.0.1\",\"heartbeatInterval\":30,\"timestamp\":9}");
    }

    @Test
    void errorFramesCarryTheWireCode() {
        assertThat(encoder.encode(new ServerFrames.Error(ErrorCode.NOT_MEMBER, "join first", "r1")))
                .isEqualTo("{\"type\":\"error\",\"code\":\"not_member\",\"message\":\"join first\",\"ref\":\"r1\"}");
    }

    @Test
    void textIsEscaped() {
        assertThat(encoder.encode(new ServerFrames.Direct("a", "quote \" and \\ and \n", 1L)))
                .contains("\"text\":\"quote \\\" and \\\\ and \\n\"");
    }
}
