import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens N WebSocket connections spread round robin over the given instances (chat endpoint, R rooms),
 * then reads /api/status of each instance until every one reports the cluster-wide total. JDK only:
 * run as {@code java ClusterConnections.java <connections> <rooms> <port> [<port>...]}.
 * Bounded: it gives up after the deadline, closes everything and exits by itself.
 */
public class ClusterConnections {

    public static void main(String[] args) throws Exception {
        int total = Integer.parseInt(args[0]);
        int rooms = Integer.parseInt(args[1]);
        List<Integer> ports = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            ports.add(Integer.parseInt(args[i]));
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        Semaphore inFlight = new Semaphore(200);
        ConcurrentLinkedQueue<WebSocket> open = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();
        long start = System.nanoTime();
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            inFlight.acquire();
            int port = ports.get(i % ports.size());
            int room = 1 + i % rooms;
            CompletableFuture<?> f = http.newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(30))
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/chat/" + room), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                            ws.request(1);
                            return null;
                        }
                    })
                    .whenComplete((ws, error) -> {
                        inFlight.release();
                        if (error != null) {
                            failed.incrementAndGet();
                        } else {
                            open.add(ws);
                        }
                    });
            all.add(f);
            if ((i + 1) % 5000 == 0) {
                System.out.printf("%d handshakes started, %d open, %d failed%n", i + 1, open.size(), failed.get());
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).get(10, TimeUnit.MINUTES);
        System.out.printf("opened %d of %d in %.1f s (%d failed)%n", open.size(), total,
                (System.nanoTime() - start) / 1e9, failed.get());

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        boolean agreed = false;
        while (System.nanoTime() < deadline && !agreed) {
            agreed = true;
            for (int port : ports) {
                String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/status"))
                        .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
                int connections = Integer.parseInt(body.replaceAll("^\\{\"connections\":(\\d+).*$", "$1"));
                if (connections < open.size()) {
                    agreed = false;
                }
                System.out.printf("  :%d reports %d connections cluster-wide%n", port, connections);
            }
            if (!agreed) {
                Thread.sleep(2000);
            }
        }
        System.out.println(agreed ? "PASS: every instance reports the cluster-wide total"
                : "FAIL: the instances did not agree on the total in time");
        for (WebSocket ws : open) {
            ws.abort();
        }
        System.exit(agreed && failed.get() == 0 ? 0 : 1);
    }
}
