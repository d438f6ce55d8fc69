package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.roomcast.room.RoomEvent;
import org.junit.jupiter.api.Test;

class StoredMessagesTest {

    @Test
    void aMessageSurvivesTheTripPlacedOrNot() {
        RoomEvent.Message unplaced = new RoomEvent.Message(7, "m-1", "alice", "héllo ✓", null, 123L);
        RoomEvent.Message placed = new RoomEvent.Message(7, "m-2", "bob", "ü".repeat(40_000), "r1", 124L, "k3x9", 42);
        assertThat(StoredMessages.decode(StoredMessages.encode(unplaced))).isEqualTo(unplaced);
        assertThat(StoredMessages.decode(StoredMessages.encode(placed))).isEqualTo(placed);
    }

    @Test
    void aClaimMarkerIsNeverAMessageAndIsUniqueToItsClaim() {
        byte[] marker = StoredMessages.pending("claim-1");
        assertThat(StoredMessages.isPending(marker)).isTrue();
        assertThat(StoredMessages.isPending(StoredMessages.encode(new RoomEvent.Message(1, "i", "u", "t", null, 0))))
                .isFalse();
        assertThat(marker).isNotEqualTo(StoredMessages.pending("claim-2"));
    }

    @Test
    void anotherVersionIsRefused() {
        byte[] data = StoredMessages.encode(new RoomEvent.Message(1, "i", "u", "t", null, 0));
        data[0] = 99;
        assertThatThrownBy(() -> StoredMessages.decode(data)).isInstanceOf(IllegalArgumentException.class);
    }
}
