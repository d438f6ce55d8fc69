package io.roomcast.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The decision of PROTOCOL 9.1: recovered, or the first reason that applies, in the protocol's order. */
class RecoveryTest {

    private static final StreamPosition AT_3 = new StreamPosition("e1", 3);

    @Test
    void aSinceWithinTheKeptMessagesIsRecoveredWithTheCountMissed() {
        Recovery recovery = Recovery.decide(true, AT_3, "e1", 10, 4);
        assertThat(recovery.recovered()).isTrue();
        assertThat(recovery.missed()).isEqualTo(7);
        assertThat(recovery.reason()).isNull();
    }

    @Test
    void aSinceAtTheLatestOffsetIsRecoveredWithNothingMissedEvenWhenNothingIsKept() {
        assertThat(Recovery.decide(true, AT_3, "e1", 3, 4)).isEqualTo(new Recovery(true, 0, null));
    }

    @Test
    void streamsOffIsDisabledBeforeAnythingElse() {
        assertThat(Recovery.decide(false, new StreamPosition("other", 99), null, 0, 1).reason()).isEqualTo("disabled");
    }

    @Test
    void anotherEpochIsEpochChangedEvenWhenTheOffsetIsAlsoBeyondTheLatest() {
        Recovery recovery = Recovery.decide(true, new StreamPosition("e0", 99), "e1", 10, 1);
        assertThat(recovery).isEqualTo(new Recovery(false, 0, "epoch_changed"));
    }

    @Test
    void anOffsetBeyondTheLatestIsUnknownPosition() {
        assertThat(Recovery.decide(true, new StreamPosition("e1", 11), "e1", 10, 1).reason()).isEqualTo("unknown_position");
    }

    @Test
    void aNextMessageNoLongerKeptIsTooOld() {
        assertThat(Recovery.decide(true, AT_3, "e1", 10, 5).reason()).isEqualTo("too_old");
        assertThat(Recovery.decide(true, AT_3, "e1", 10, 11).reason()).as("everything expired").isEqualTo("too_old");
    }

    @Test
    void theNextMessageBeingTheOldestKeptIsRecovered() {
        assertThat(Recovery.decide(true, AT_3, "e1", 10, 4).recovered()).isTrue();
    }

    @Test
    void aJoinWithoutSinceIsNeitherRecoveredNorGivenAReason() {
        assertThat(Recovery.notAsked()).isEqualTo(new Recovery(false, 0, null));
    }
}
