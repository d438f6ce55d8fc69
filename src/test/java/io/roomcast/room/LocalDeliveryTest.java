package io.roomcast.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.OutboundFrame;
import io.roomcast.connection.TestConnections;
import io.roomcast.observability.RoomcastMetrics;
import io.roomcast.protocol.FrameEncoder;
import io.roomcast.room.event.RoomEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Local delivery renders each representation once per event and queues the same frame for every member. */
class LocalDeliveryTest {

    private final RoomRegistry registry = new RoomRegistry();
    private final ConnectionRegistry connections = new ConnectionRegistry();
    private final LocalDelivery delivery = new LocalDelivery(registry, connections, new FrameEncoder(), new RoomcastMetrics());
    private final RoomRegistry.Limits limits = new RoomRegistry.Limits(100, 100);

    private final List<OutboundFrame> chat1 = new ArrayList<>();
    private final List<OutboundFrame> chat2 = new ArrayList<>();
    private final List<OutboundFrame> json1 = new ArrayList<>();
    private final List<OutboundFrame> json2 = new ArrayList<>();
    private final Connection c1 = member("c1", ConnectionKind.CHAT, chat1);
    private final Connection c2 = member("c2", ConnectionKind.CHAT, chat2);
    private final Connection j1 = member("j1", ConnectionKind.JSON, json1);
    private final Connection j2 = member("j2", ConnectionKind.JSON, json2);

    private Connection member(String id, ConnectionKind kind, List<OutboundFrame> sent) {
        Connection connection = TestConnections.connection(id, id, kind, sent);
        registry.join(7, connection, limits);
        return connection;
    }

    @Test
    void aMessageIsRenderedOncePerRepresentationAndTheFrameIsShared() {
        delivery.deliver(new RoomEvent.Message(7, "m1", "alice", "hi", null, 1L));

        assertThat(chat1).singleElement().isSameAs(chat2.get(0));
        assertThat(((OutboundFrame.Text) chat1.get(0)).text()).isEqualTo("Room 7: hi");
        assertThat(json1).singleElement().isSameAs(json2.get(0));
        assertThat(((OutboundFrame.Text) json1.get(0)).text()).contains("\"type\":\"message\"", "\"text\":\"hi\"");
    }

    @Test
    void presenceGoesToTheOtherJsonMembersOnly() {
        delivery.deliver(new RoomEvent.Presence(7, "j1", "j1", true, 4));

        assertThat(json1).isEmpty();
        assertThat(json2).singleElement().satisfies(f -> assertThat(((OutboundFrame.Text) f).text())
                .contains("\"type\":\"presence\"", "\"members\":4"));
        assertThat(chat1).isEmpty();
    }

    @Test
    void presenceOfAMemberOfAnotherInstanceGoesToEveryJsonMember() {
        delivery.deliver(new RoomEvent.Presence(7, null, "zoe", false, 3));

        assertThat(json1).hasSize(1);
        assertThat(json2).hasSize(1);
    }

    @Test
    void binaryFramesGoToChatMembersOnly() {
        delivery.deliver(new RoomEvent.Binary(7, new byte[] {1}));

        assertThat(chat1).singleElement().isInstanceOf(OutboundFrame.Binary.class);
        assertThat(chat2).hasSize(1);
        assertThat(json1).isEmpty();
    }

    @Test
    void aDirectMessageGoesToEverySessionOfTheClientId() {
        List<OutboundFrame> s1 = new ArrayList<>();
        List<OutboundFrame> s2 = new ArrayList<>();
        connections.add(TestConnections.connection("s1", TestConnections.secure("bob", 5), ConnectionKind.JSON, s1));
        connections.add(TestConnections.connection("s2", TestConnections.secure("bob", 5), ConnectionKind.JSON, s2));

        delivery.deliver(new RoomEvent.Direct(5, "alice", "psst", 1L));
        delivery.deliver(new RoomEvent.ClientSession("s1", 5, true)); // nothing to deliver

        assertThat(s1).singleElement().isSameAs(s2.get(0));
        assertThat(chat1).isEmpty();
    }

    @Test
    void aBroadcastIsDeliveredHereFirstThenReplicatedAsTheSameEvent() {
        List<RoomEvent> replicated = new ArrayList<>();
        Broadcast broadcast = SingleServerRooms.of(registry, connections, RoomcastSettings.from(key -> Optional.empty()),
                event -> {
                    assertThat(chat1).as("delivered here first").hasSize(1);
                    replicated.add(event);
                }).broadcast();
        RoomEvent event = new RoomEvent.Binary(7, new byte[] {1, 2});

        broadcast.publish(event);

        assertThat(replicated).containsExactly(event);
    }
}
