package io.roomcast.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.TestConnections;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/** What each way in asks of a publish: a ref, an idempotency key, an ack (PROTOCOL 3.1, 5, 9.3). */
class RoomCommandTest {

    private final Connection alice = TestConnections.connection("c1", "alice");
    private final Connection guest = TestConnections.connection("c2", TestConnections.guest("guest-1", "10.0.0.2"),
            ConnectionKind.JSON, new ArrayList<>());

    @Test
    void aChatLineHasNoRefNoIdempotencyKeyAndNoAck() {
        RoomCommand.Publish line = RoomCommand.Publish.line(7, "alice", "hi");

        assertThat(line).isEqualTo(new RoomCommand.Publish(7, "alice", "hi", null, null, null));
        assertThat(line.dedupKey()).isNull();
    }

    @Test
    void aFramesRefEarnsAnAckAndIsAnAuthenticatedUsersIdempotencyKeyButNotAGuests() {
        RoomCommand.Publish own = RoomCommand.Publish.frame(alice, 7, "hi", "r1");
        RoomCommand.Publish guests = RoomCommand.Publish.frame(guest, 7, "hi", "r1");
        RoomCommand.Publish noRef = RoomCommand.Publish.frame(alice, 7, "hi", null);

        assertThat(own).isEqualTo(new RoomCommand.Publish(7, "alice", "hi", "r1", "r1", alice));
        assertThat(guests).isEqualTo(new RoomCommand.Publish(7, "guest-1", "hi", "r1", null, guest));
        assertThat(noRef).isEqualTo(new RoomCommand.Publish(7, "alice", "hi", null, null, null));
    }

    @Test
    void anHttpPublishIsIdempotentUnderItsKeyScopedToTheUserAndTheRoom() {
        RoomCommand.Publish http = RoomCommand.Publish.http(7, "alice", "hi", "k-1");

        assertThat(http.ackTo()).isNull();
        assertThat(http.ref()).isNull();
        assertThat(http.dedupKey()).isEqualTo("alice\n7\nk-1");
        assertThat(RoomCommand.Publish.http(8, "alice", "hi", "k-1").dedupKey()).isNotEqualTo(http.dedupKey());
        assertThat(RoomCommand.Publish.http(7, "bob", "hi", "k-1").dedupKey()).isNotEqualTo(http.dedupKey());
    }
}
