package io.roomcast.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.testsupport.DeployedRoomcast;
import io.roomcast.testsupport.Profile;
import io.roomcast.testsupport.RoomcastServer;
import io.roomcast.testsupport.TestTokens;
import io.roomcast.testsupport.WsClient;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Many handshakes at once, each with its own user and forwarded address: per-connection state must
 * never leak between concurrent handshakes (the shared endpoint configuration is the classic trap).
 */
@RoomcastServer(Profile.EDGE_LIMITS)
class ConcurrentHandshakeIT extends DeployedRoomcast {

    private static final int CLIENTS = 120;

    @Test
    void everySessionWelcomesItsOwnUserAndAddress() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<WsClient>> connecting = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            int n = i;
            connecting.add(pool.submit(() -> {
                start.await();
                String endpoint = n % 2 == 0 ? "ws/auth" : "ws/realtime";
                return WsClient.connect(server.ws("127.0.0.1", endpoint), Map.of(
                        "Authorization", "Bearer " + TestTokens.valid("user-" + n),
                        "X-Forwarded-For", "198.51.100." + (n % 250 + 1) + ", 10.9." + n / 250 + "." + (n % 250 + 1)));
            }));
        }
        start.countDown();
        List<WsClient> clients = new ArrayList<>();
        try {
            for (Future<WsClient> f : connecting) {
                clients.add(f.get());
            }
            List<String> connectionIds = new ArrayList<>();
            for (int n = 0; n < CLIENTS; n++) {
                JsonObject welcome = clients.get(n).awaitJson(WsClient.type("welcome"));
                connectionIds.add(welcome.getString("connectionId"));
                assertThat(welcome.getString("user")).isEqualTo("user-" + n);
                // 127.0.0.1 is trusted, the 10.9.x.y hop is not: it is the client address
                assertThat(welcome.getString("address")).isEqualTo("10.9." + n / 250 + "." + (n % 250 + 1));
            }
            assertThat(connectionIds).doesNotHaveDuplicates();
        } finally {
            clients.forEach(WsClient::close);
            pool.shutdownNow();
        }
    }
}
