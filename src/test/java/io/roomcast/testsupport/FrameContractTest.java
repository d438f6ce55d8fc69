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
