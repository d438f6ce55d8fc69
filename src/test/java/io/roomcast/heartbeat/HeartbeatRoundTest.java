package io.roomcast.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.OutboundFrame;
import io.roomcast.connection.TestConnections;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeartbeatRoundTest {

    private static final long SECOND = 1_000_000_000L;
    private final HeartbeatRound round = new HeartbeatRound(new Liveness(Duration.ofSeconds(75)));
    private final OutboundFrame heartbeat = new OutboundFrame.Text("{\"type\":\"heartbeat\",\"timestamp\":1}");

    @Test
    void eachRoundPingsEveryConnectionOnceAndSendsJsonHeartbeatsOnlyToJsonAndStatusSessions() {
        List<OutboundFrame> chat = new ArrayList<>();
        List<OutboundFrame> json = new ArrayList<>();
        List<OutboundFrame> status = new ArrayList<>();
        List<Connection> all = List.of(
                TestConnections.connection("c", "a", ConnectionKind.CHAT, chat),
                TestConnections.connection("j", "b", ConnectionKind.JSON, json),
                TestConnections.connection("s", "c", ConnectionKind.STATUS, status));
        for (int tick = 1; tick <= 3; tick++) {
            // last seen at 0, ticks at 20, 40 and 60 s: still within the 75 s timeout
            assertThat(round.run(all, tick * 20 * SECOND, heartbeat, c -> { })).isZero();
        }
        assertThat(chat).containsExactly(OutboundFrame.PING, OutboundFrame.PING, OutboundFrame.PING);
        assertThat(json).containsExactly(OutboundFrame.PING, heartbeat, OutboundFrame.PING, heartbeat, OutboundFrame.PING, heartbeat);
        assertThat(status).hasSize(6);
    }

    @Test
    void aSilentConnectionTimesOutAndIsNotPinged() {
        List<OutboundFrame> silentFrames = new ArrayList<>();
        Connection silent = TestConnections.connection("s", "a", ConnectionKind.JSON, silentFrames);
        Connection alive = TestConnections.connection("l", "b");
        alive.seen(100 * SECOND);
        List<Connection> timedOut = new ArrayList<>();
        assertThat(round.run(List.of(silent, alive), 100 * SECOND, heartbeat, timedOut::add)).isEqualTo(1);
        assertThat(timedOut).containsExactly(silent);
        assertThat(silentFrames).isEmpty();
    }
}
