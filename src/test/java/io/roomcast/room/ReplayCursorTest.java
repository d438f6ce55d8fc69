package io.roomcast.room;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where a paced replay stands, and when its member is live. */
class ReplayCursorTest {

    @Test
    void aCursorStartsAtSinceAndReachesTheLastDeliveredOffsetAsMessagesAreSent() {
        ReplayCursor cursor = new ReplayCursor(4);

        assertThat(cursor.sent()).isEqualTo(4);
        assertThat(cursor.reached(6)).isFalse();
        cursor.sent(5);
        cursor.sent(6);

        assertThat(cursor.sent()).isEqualTo(6);
        assertThat(cursor.reached(6)).isTrue();
        assertThat(cursor.reached(7)).as("the room delivered more meanwhile").isFalse();
    }

    @Test
    void aJoinerWhoseSinceIsTheLatestOffsetHasNothingToReplay() {
        assertThat(new ReplayCursor(9).reached(9)).isTrue();
    }
}
