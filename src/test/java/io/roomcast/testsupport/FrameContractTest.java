package io.roomcast.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The checker the wire tests rely on: it passes the frames of the contract and fails the others. */
class FrameContractTest {

    private final FrameContract contract = FrameContract.serverFrames();

    @Test
    void aFrameOfTheContractPasses() {
        assertThat(contract.violations("{\"type\":\"message\",\"room\":7,\"id\":\"m-1\",\"from\":\"alice\",\"text\":\"hi\","
                + "\"ref\":null,\"timestamp\":5,\"epoch\":\"k3x9\",\"offset\":42}")).isEmpty();
        assertThat(contract.violations("{\"type\":\"joined\",\"room\":7,\"members\":2,\"epoch\":\"k3x9\",\"offset\":41,"
                + "\"recovered\":false,\"missed\":0,\"reason\":\"too_old\"}")).isEmpty();
        assertThat(contract.violations("{\"type\":\"pong\",\"timestamp\":1}")).isEmpty();
    }

    /** PROTOCOL 13.3: the history answer of a room without a stream, as RoomStreams writes it, meets the contract. */
    @Test
    void aHistoryAnswerWithoutAStreamPasses() {
        String none = new io.roomcast.protocol.FrameEncoder().encode(
                new io.roomcast.protocol.ServerFrames.History(7, null, 0L, java.util.List.of(), true, "h"));
        assertThat(none).isEqualTo("{\"type\":\"history\",\"room\":7,\"epoch\":null,\"offset\":0,\"messages\":[],"
                + "\"complete\":true,\"ref\":\"h\"}");
        assertThat(contract.violations(none)).isEmpty();
    }

    @Test
    void aDeliberatelyWrongFrameFails() {
        assertThat(contract.violations("{\"type\":\"message\",\"room\":7,\"id\":\"m-1\",\"from\":\"alice\",\"text\":\"hi\","
                + "\"timestamp\":5,\"epoch\":\"k3x9\",\"offset\":42}")).as("ref missing").isNotEmpty();
        assertThat(contract.violations("{\"type\":\"message\",\"room\":0,\"id\":\"m-1\",\"from\":\"alice\",\"text\":\"hi\","
                + "\"ref\":null,\"timestamp\":5,\"epoch\":\"k3x9\",\"offset\":42}")).as("room 0").isNotEmpty();
        assertThat(contract.violations("{\"type\":\"joined\",\"room\":7,\"members\":2,\"epoch\":\"k3x9\",\"offset\":41,"
                + "\"recovered\":false,\"missed\":0,\"reason\":\"because\"}")).as("unknown reason").isNotEmpty();
        assertThat(contract.violations("{\"type\":\"pong\",\"timestamp\":1,\"extra\":true}")).as("undocumented field")
                .isNotEmpty();
        assertThat(contract.violations("{\"type\":\"welcome\"}")).as("fields missing").isNotEmpty();
        assertThat(contract.violations("{\"type\":\"gossip\",\"timestamp\":1}")).as("unknown type").isNotEmpty();
    }
}
