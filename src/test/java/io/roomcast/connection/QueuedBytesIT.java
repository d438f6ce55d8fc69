package io.roomcast.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.ProfileSettings;
import io.roomcast.testsupport.RawWebSocket;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.Rooms;
import io.roomcast.testsupport.WsClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The outbound queue is bounded by payload bytes as well as frames (PROTOCOL 12): a member that stops
 * reading is dropped with 1013 once the bytes queued for it pass {@code send-queue-bytes}, long before
 * the frame count could, and the others keep receiving everything. ({@link Profile#SMALL_QUEUE_BYTES}:
 * 262,144 bytes, 1,024 frames; heartbeats every 30 s, so that the slow member is dropped for its queue,
 * not for silence.)
 */
@RoomcastServer(Profile.SMALL_QUEUE_BYTES)
class QueuedBytesIT extends DeployedRoomcast {

    private static final int FRAMES = 1500;
    private static final int FRAME_BYTES = 64 * 1024;
    private static final RoomcastSettings SETTINGS = ProfileSettings.of(Profile.SMALL_QUEUE_BYTES);

    @Test
    void aMemberWhoseQueuedBytesPassTheBoundIsClosedWith1013WhileTheOthersReceiveEverything() throws Exception {
        assertThat(SETTINGS.sendQueueBytes() / FRAME_BYTES + 1).as("frames the byte bound lets queue up")
                .isLessThan(SETTINGS.sendQueue()).isLessThan(FRAMES);
        long closesBefore = server.metric("roomcast_slow_consumer_closes_total");
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
            assertThat(server.metric("roomcast_slow_consumer_closes_total")).isEqualTo(closesBefore + 1);
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
