package io.roomcast.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Deployments;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.Rooms;
import io.roomcast.testsupport.WsClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/**
 * The outbound queue is bounded by payload bytes as well as frames (PROTOCOL 12): a member that stops
 * reading is dropped with 1013 once the bytes queued for it pass {@code send-queue-bytes}, long before
 * the frame count could, and the others keep receiving everything.
 */
class QueuedBytesIT extends DeployedRoomcast {

    private static final int FRAMES = 1500;
    private static final int FRAME_BYTES = 64 * 1024;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.roomcast(Map.of(
                // a frame bound the test never reaches (1500 frames in all): only the bytes can overflow
                "roomcast.limits.send-queue", "100000",
                "roomcast.limits.send-queue-bytes", "262144",
                "roomcast.limits.rate", "100000",
                "roomcast.limits.burst", "100000",
                "roomcast.limits.user-rate", "100000",
                "roomcast.limits.user-burst", "100000",
                // long enough that the slow member is dropped for its queue, not for silence
                "roomcast.heartbeat.interval", "5",
                "roomcast.heartbeat.timeout", "60"));
    }

    @Test
    void aMemberWhoseQueuedBytesPassTheBoundIsClosedWith1013WhileTheOthersReceiveEverything() throws Exception {
        RawWebSocket.Handshake answer = RawWebSocket.handshake(server.ws("ws/chat/303"), Map.of());
        assertThat(answer.status()).isEqualTo(101);
        try (RawWebSocket slow = answer.socket();
             WsClient sender = WsClient.connect(server.ws("ws/chat/303"));
             WsClient reader = WsClient.connect(server.ws("ws/chat/303"))) {
            Rooms.awaitMembers(server, 303, 3);
            // Binary frames are relayed to every chat member, the sender included. The slow member's
            // socket buffers fill within some megabytes; after that its queue grows by 64 KB a frame.
            for (int i = 0; i < FRAMES; i++) {
                byte[] payload = new byte[FRAME_BYTES];
                Arrays.fill(payload, (byte) i);
                sender.sendBinary(payload);
                assertThat(bytes(sender.nextBinary())).as("frame %d to the sender", i).isEqualTo(payload);
                assertThat(bytes(reader.nextBinary())).as("frame %d to the other reader", i).isEqualTo(payload);
            }
            Rooms.awaitMembers(server, 303, 2);
            assertThat(sender.isOpen()).isTrue();
            assertThat(reader.isOpen()).isTrue();

            RawWebSocket.Frame close = slow.awaitCloseOrEnd(Duration.ofSeconds(30));
            if (close != null) {
                assertThat(close.closeCode()).isEqualTo(1013);
            }
            assertThat(server.get("api/metrics").body()).containsPattern("(?m)^roomcast_slow_consumer_closes_total 1$");
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
