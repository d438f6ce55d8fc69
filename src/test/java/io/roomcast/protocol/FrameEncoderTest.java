package io.roomcast.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrameEncoderTest {

    private final FrameEncoder encoder = new FrameEncoder();

    @Test
    void nullsAreWrittenAndTypeComesFirst() {
        assertThat(encoder.encode(new ServerFrames.Message(7, "m-1", "alice", "hi", null, 5L, "e1", 3L)))
                .isEqualTo("{\"type\":\"message\",\"room\":7,\"id\":\"m-1\",\"from\":\"alice\",\"text\":\"hi\",\"ref\":null,\"timestamp\":5,"
                        + "\"epoch\":\"e1\",\"offset\":3}");
        assertThat(encoder.encode(new ServerFrames.Welcome("c-1", "guest-1", null, "127.0.0.1", 30, 9L, null)))
                .isEqualTo("{\"type\":\"welcome\",\"connectionId\":\"c-1\",\"user\":\"guest-1\",\"clientId\":null,"
                        + "\"address\":\"127.0.0.1\",\"heartbeatInterval\":30,\"timestamp\":9,\"expiresAt\":null}");
    }

    @Test
    void theWelcomeOfATokenCarriesItsExpiryLast() {
        assertThat(encoder.encode(new ServerFrames.Welcome("c-1", "alice", 42, "127.0.0.1", 30, 9L, 1_700_000_000_000L)))
                .endsWith(",\"timestamp\":9,\"expiresAt\":1700000000000}");
    }

    @Test
    void refreshAndItsLeftFramesHaveTheirFields() {
        assertThat(encoder.encode(new ServerFrames.Refreshed(1_700_000_000_000L, null)))
                .isEqualTo("{\"type\":\"refreshed\",\"expiresAt\":1700000000000,\"ref\":null}");
        assertThat(encoder.encode(ServerFrames.Left.forbidden(7)))
                .isEqualTo("{\"type\":\"left\",\"room\":7,\"reason\":\"forbidden_room\"}");
        assertThat(encoder.encode(new ServerFrames.Left(7)))
                .as("a plain leave: reason null, sent as null like every null key")
                .isEqualTo("{\"type\":\"left\",\"room\":7,\"reason\":null}");
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
