package io.roomcast.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.Identity;
import io.roomcast.connection.Ids;
import io.roomcast.connection.OutboundFrame;
import io.roomcast.connection.TestConnections;
import io.roomcast.connection.UserRates;
import io.roomcast.observability.RoomcastMetrics;
import io.roomcast.protocol.FrameEncoder;
import io.roomcast.room.RoomRegistry;
import io.roomcast.room.Rooms;
import io.roomcast.room.SingleServerRooms;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The session layer's JSON protocol on the real domain and local delivery of a single server: frames in,
 * the frames each connection is sent out.
 */
class JsonProtocolTest {

    private final RoomcastSettings settings = RoomcastSettings.from(key -> Optional.empty());
    private final ConnectionRegistry connections = new ConnectionRegistry();
    private final RoomRegistry registry = new RoomRegistry();
    private final FrameEncoder encoder = new FrameEncoder();
    private final RoomcastMetrics metrics = new RoomcastMetrics();
    private final Rooms rooms = SingleServerRooms.of(registry, connections, settings, event -> { }).rooms();
    private final ConnectionLifecycle lifecycle = new ConnectionLifecycle(settings, connections, rooms, null,
            new Ids(), metrics, null, null, new UserRates(settings), null);
    private final JsonProtocol protocol = new JsonProtocol(settings, lifecycle, rooms, encoder, null, null, metrics);

    private final List<OutboundFrame> aliceFrames = new ArrayList<>();
    private final Connection alice = TestConnections.connection("c1", "alice", ConnectionKind.JSON, aliceFrames);
    private final List<OutboundFrame> bobFrames = new ArrayList<>();
    private final Connection bob = TestConnections.connection("c2", "bob", ConnectionKind.JSON, bobFrames);

    @Test
    void aJoinIsAnsweredAndTheRoomHearsOfIt() {
        protocol.onText(bob, "{\"type\":\"join\",\"room\":7}");
        protocol.onText(alice, "{\"type\":\"join\",\"room\":7,\"ref\":\"j\"}");

        assertThat(texts(aliceFrames)).singleElement().asString().contains("\"type\":\"joined\"", "\"members\":2");
        assertThat(texts(bobFrames)).last().asString().contains("\"type\":\"presence\"", "\"user\":\"alice\"");
    }

    @Test
    void aMessageReachesEveryMemberTheSenderIncludedAndTheAckFollowsTheSendersCopy() {
        protocol.onText(alice, "{\"type\":\"join\",\"room\":7}");
        protocol.onText(bob, "{\"type\":\"join\",\"room\":7}");

        protocol.onText(alice, "{\"type\":\"message\",\"room\":7,\"text\":\"hi\",\"ref\":\"s1\"}");

        List<String> own = texts(aliceFrames);
        assertThat(own.get(own.size() - 2)).contains("\"type\":\"message\"", "\"text\":\"hi\"", "\"ref\":\"s1\"",
                "\"offset\":1");
        assertThat(own.get(own.size() - 1)).contains("\"type\":\"ack\"", "\"ref\":\"s1\"", "\"offset\":1");
        assertThat(texts(bobFrames)).last().asString().contains("\"type\":\"message\"", "\"text\":\"hi\"");
    }

    @Test
    void sendingToARoomNotJoinedIsNotMember() {
        protocol.onText(alice, "{\"type\":\"message\",\"room\":7,\"text\":\"hi\",\"ref\":\"s1\"}");

        assertThat(texts(aliceFrames)).singleElement().asString()
                .contains("\"code\":\"not_member\"", "\"ref\":\"s1\"");
    }

    @Test
    void aRoomTheTokenDoesNotAllowIsForbidden() {
        List<OutboundFrame> frames = new ArrayList<>();
        Connection limited = TestConnections.connection("c3",
                new Identity("carol", true, "10.0.0.3", null, Set.of(1), null), ConnectionKind.JSON, frames);

        protocol.onText(limited, "{\"type\":\"join\",\"room\":7,\"ref\":\"j\"}");

        assertThat(texts(frames)).singleElement().asString()
                .contains("\"code\":\"forbidden_room\"", "the token does not allow room 7");
        assertThat(registry.roomCount()).isZero();
    }

    @Test
    void historyIsForMembersOnlyAndAForbiddenRoomSaysSoFirst() {
        protocol.onText(bob, "{\"type\":\"join\",\"room\":7}");
        protocol.onText(bob, "{\"type\":\"message\",\"room\":7,\"text\":\"kept\"}");
        List<OutboundFrame> frames = new ArrayList<>();
        Connection limited = TestConnections.connection("c3",
                new Identity("carol", true, "10.0.0.3", null, Set.of(7), null), ConnectionKind.JSON, frames);

        protocol.onText(alice, "{\"type\":\"history\",\"room\":7,\"ref\":\"h1\"}");
        protocol.onText(limited, "{\"type\":\"history\",\"room\":8,\"ref\":\"h2\"}");
        protocol.onText(limited, "{\"type\":\"history\",\"room\":7,\"ref\":\"h3\"}");

        assertThat(texts(aliceFrames)).singleElement().asString().contains("\"code\":\"not_member\"", "\"ref\":\"h1\"");
        assertThat(texts(frames)).hasSize(2);
        assertThat(texts(frames).get(0)).contains("\"code\":\"forbidden_room\"", "\"ref\":\"h2\"");
        assertThat(texts(frames).get(1)).contains("\"code\":\"not_member\"", "\"ref\":\"h3\"");

        protocol.onText(alice, "{\"type\":\"join\",\"room\":7}");
        protocol.onText(alice, "{\"type\":\"history\",\"room\":7,\"ref\":\"h4\"}");
        assertThat(texts(aliceFrames)).last().asString().startsWith("{\"type\":\"history\",\"room\":7,")
                .contains("\"text\":\"kept\"", "\"complete\":true", "\"ref\":\"h4\"");
    }

    @Test
    void aRefusedJoinCreatesNoStream() {
        RoomcastSettings oneRoom = RoomcastSettings.from(key -> Optional.ofNullable(
                "roomcast.limits.rooms".equals(key) ? "1" : null));
        SingleServerRooms capped = SingleServerRooms.of(registry, connections, oneRoom, event -> { });
        JsonProtocol cappedProtocol = new JsonProtocol(oneRoom, new ConnectionLifecycle(oneRoom, connections,
                capped.rooms(), null, new Ids(), metrics, null, null, new UserRates(oneRoom), null), capped.rooms(),
                encoder, null, null, metrics);

        cappedProtocol.onText(bob, "{\"type\":\"join\",\"room\":1}");
        cappedProtocol.onText(alice, "{\"type\":\"join\",\"room\":2,\"ref\":\"j\"}");
        cappedProtocol.onText(alice, "{\"type\":\"join\",\"room\":3,\"since\":{\"epoch\":\"e\",\"offset\":4}}");

        assertThat(texts(aliceFrames)).hasSize(2).allSatisfy(f -> assertThat(f).contains("\"code\":\"too_many_rooms\""));
        assertThat(capped.store().head(2).exists()).isFalse();
        assertThat(capped.store().head(3).exists()).isFalse();
        assertThat(capped.store().streams()).as("room 1's, from its join").isEqualTo(1);
    }

    @Test
    void aPingIsAnsweredWithAPongAndInvalidJsonWithAnErrorFrame() {
        protocol.onText(alice, "{\"type\":\"ping\"}");
        protocol.onText(alice, "{not json");

        assertThat(texts(aliceFrames)).hasSize(2);
        assertThat(texts(aliceFrames).get(0)).contains("\"type\":\"pong\"");
        assertThat(texts(aliceFrames).get(1)).contains("\"code\":\"invalid_json\"");
    }

    private static List<String> texts(List<OutboundFrame> frames) {
        return frames.stream().map(f -> ((OutboundFrame.Text) f).text()).toList();
    }
}
