package io.roomcast.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.Ids;
import io.roomcast.connection.OutboundFrame;
import io.roomcast.connection.TestConnections;
import io.roomcast.protocol.FrameEncoder;
import io.roomcast.protocol.ServerFrames.InstanceFigure;
import io.roomcast.room.RoomRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status figures: this instance's own, merged with what the other instances reported. */
class StatusPublisherTest {

    private final ConnectionRegistry connections = new ConnectionRegistry();
    private final RoomRegistry registry = new RoomRegistry();
    private final Ids ids = new Ids();
    private Map<Integer, Integer> sizesElsewhere = Map.of();
    private List<InstanceFigure> instancesElsewhere = List.of();
    private int connectionsElsewhere;
    private final FiguresElsewhere elsewhere = new FiguresElsewhere() {
        @Override
        public int connections() {
            return connectionsElsewhere;
        }

        @Override
        public Map<Integer, Integer> sizes() {
            return sizesElsewhere;
        }

        @Override
        public List<InstanceFigure> instances() {
            return instancesElsewhere;
        }

        @Override
        public void tell(int localConnections) {
        }
    };
    private final StatusPublisher status = new StatusPublisher(connections, registry, new FrameEncoder(), ids, elsewhere);

    @Test
    void aSingleServerReportsItsOwnFigures() {
        Connection alice = TestConnections.connection("c1", "alice");
        connections.add(alice);
        registry.join(7, alice, new RoomRegistry.Limits(10, 10));

        ClusterFigures figures = status.figures();

        assertThat(figures.connections()).isEqualTo(1);
        assertThat(figures.rooms()).containsExactly(Map.entry(7, 1));
        assertThat(figures.instances()).containsExactly(new InstanceFigure(ids.instance(), 1));
    }

    @Test
    void theOtherInstancesFiguresAreAddedRoomByRoom() {
        Connection alice = TestConnections.connection("c1", "alice");
        connections.add(alice);
        registry.join(7, alice, new RoomRegistry.Limits(10, 10));
        connectionsElsewhere = 3;
        sizesElsewhere = Map.of(7, 2, 9, 1);
        instancesElsewhere = List.of(new InstanceFigure("other", 3));

        ClusterFigures figures = status.figures();

        assertThat(figures.connections()).isEqualTo(4);
        assertThat(figures.rooms()).containsExactly(Map.entry(7, 3), Map.entry(9, 1));
        assertThat(figures.instances()).containsExactly(new InstanceFigure(ids.instance(), 1),
                new InstanceFigure("other", 3));
    }

    @Test
    void aNewStatusSessionIsSentTheCurrentFigures() {
        List<OutboundFrame> frames = new ArrayList<>();
        Connection watcher = TestConnections.connection("s1", "watcher", ConnectionKind.STATUS, frames);
        connections.add(watcher);

        status.sendTo(watcher);

        assertThat(frames).singleElement().satisfies(f -> assertThat(((OutboundFrame.Text) f).text())
                .contains("\"type\":\"status\"", "\"connections\":1"));
    }
}
