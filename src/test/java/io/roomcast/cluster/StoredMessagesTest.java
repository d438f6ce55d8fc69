package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.roomcast.room.event.RoomEvent;
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
    void lengthsBeyondTheBytesAreRefusedBeforeAnythingIsAllocated() {
        byte[] data = StoredMessages.encode(new RoomEvent.Message(1, "id", "u", "text", null, 0));
        // the id's length sits after the version byte and the room
        for (int lie : new int[] {Integer.MAX_VALUE, -1, data.length}) {
            byte[] lying = data.clone();
            lying[5] = (byte) (lie >>> 24);
            lying[6] = (byte) (lie >>> 16);
            lying[7] = (byte) (lie >>> 8);
            lying[8] = (byte) lie;
            assertThatThrownBy(() -> StoredMessages.decode(lying)).as("a length of %d", lie)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> StoredMessages.decode(java.util.Arrays.copyOf(data, data.length - 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoredMessages.decode(java.util.Arrays.copyOf(data, data.length + 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anotherVersionIsRefused() {
        byte[] data = StoredMessages.encode(new RoomEvent.Message(1, "i", "u", "t", null, 0));
        data[0] = 99;
        assertThatThrownBy(() -> StoredMessages.decode(data)).isInstanceOf(IllegalArgumentException.class);
    }
}
