package io.roomcast.cluster;

import io.roomcast.testsupport.PayaraMicroProcess;
import io.roomcast.testsupport.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One Roomcast instance of a test cluster: a {@link PayaraMicroProcess} joined to the others over
 * Hazelcast on loopback ({@link PayaraMicroProcess.Cluster}). This class plans the members (their
 * ports, the cluster's name and member list) and talks to them; launching is PayaraMicroProcess's.
 * Members are launched first and awaited afterwards, so that several boot side by side and find each
 * other. The output goes to {@code target/<name>.log}.
 */
final class ClusterMember implements AutoCloseable {

    /** The tests' {@code roomcast.cluster.secret}: without it an instance shares no rooms (PROTOCOL 13.10). */
    static final String SECRET = "the test cluster's secret: 32 bytes or more";

    /** Members booting together on two busy cores: as generous as every boot of the suite. */
    static final Duration STARTUP = PayaraMicroProcess.DEFAULT_STARTUP_TIMEOUT;
    /*
     * HTTP/1.1 on purpose: the JDK client's default (HTTP/2, by an h2c upgrade on the first request)
     * was seen to leave every later request to a booting Payara Micro timing out on a stuck pooled
     * connection. With HTTP/1.1 a timed-out request only costs its own connection.
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final int hazelcastPort;
    private PayaraMicroProcess process;
    private volatile boolean frozen;

    private ClusterMember(String name, int port, int hazelcastPort) {
        this.name = name;
        this.port = port;
        this.hazelcastPort = hazelcastPort;
    }

    /** Reserves ports for {@code count} members: an HTTP port and a Hazelcast port each. */
    static List<ClusterMember> plan(String prefix, int count) {
        List<ClusterMember> members = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            members.add(new ClusterMember(prefix + "-" + i, PayaraMicroProcess.freePort(), PayaraMicroProcess.freePort()));
        }
        return members;
    }

    /**
     * Plans, launches and awaits {@code count} members of a cluster of their own (a fresh cluster name,
     * so that concurrent runs never join each other), all with the given settings and the cluster's
     * secret, {@code roomcast.cluster.size} being {@code count}.
     */
    static List<ClusterMember> startCluster(String prefix, int count, Map<String, String> settings) {
        List<Map<String, String>> each = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            each.add(clustered(count, settings));
        }
        return startGrid(prefix, each);
    }

    /** The settings with the tests' cluster secret and the given {@code roomcast.cluster.size}. */
    static Map<String, String> clustered(int size, Map<String, String> settings) {
        Map<String, String> clustered = new HashMap<>(settings);
        clustered.put("roomcast.cluster.secret", SECRET);
        clustered.put("roomcast.cluster.size", Integer.toString(size));
        return clustered;
    }

    /**
     * Plans, launches and awaits one member per settings map, all in one Hazelcast cluster of their own
     * whatever their Roomcast settings (with or without a cluster secret, or with another one). Members
     * that started are stopped again when one does not.
     */
    static List<ClusterMember> startGrid(String prefix, List<Map<String, String>> settings) {
        List<ClusterMember> members = plan(prefix, settings.size());
        String memberList = memberList(members);
        String clusterName = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            for (int i = 0; i < members.size(); i++) {
                members.get(i).launch(clusterName, memberList, settings.get(i));
            }
            Instant deadline = Instant.now().plus(STARTUP);
            members.forEach(m -> m.awaitReady(deadline));
        } catch (RuntimeException | Error e) {
            members.forEach(ClusterMember::close);
            throw e;
        }
        return members;
    }

    /** {@code 127.0.0.1:p1,127.0.0.1:p2,...}: the member list of {@code --clustermode tcpip:}. */
    static String memberList(List<ClusterMember> members) {
        return String.join(",", members.stream().map(m -> "127.0.0.1:" + m.hazelcastPort).toList());
    }

    /** Launches the process without waiting for it. */
    void launch(String clusterName, String memberList, Map<String, String> systemProperties) {
        PayaraMicroProcess.Builder builder = PayaraMicroProcess.builder(name).port(port)
                .cluster(new PayaraMicroProcess.Cluster(clusterName, memberList, hazelcastPort));
        systemProperties.forEach(builder::systemProperty);
        process = builder.launch();
    }

    /** Launches the member again as it was (same ports, cluster and settings) after a kill, without waiting. */
    void relaunch() {
        frozen = false;
        process.launch();
    }

    /** Waits until the application answers {@code GET /api/status} with 200. */
    void awaitReady(Instant deadline) {
        process.awaitReady(deadline);
    }

    Server server() {
        return new Server(URI.create("http://127.0.0.1:" + port + "/"));
    }

    /** {@code GET /api/status} as JSON, over HTTP/1.1 (see {@link #HTTP}). */
    jakarta.json.JsonObject status() throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(server().http("api/status"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return io.roomcast.testsupport.WsClient.parse(response.body());
    }

    String name() {
        return name;
    }

    boolean isAlive() {
        return process != null && process.isRunning();
    }

    /**
     * Freezes the process (SIGSTOP, to the PID this test started, and only that), as a long GC pause
     * or a stalled virtual machine would: its sockets stay open, but it answers nothing.
     */
    void freeze() {
        process.signal("STOP");
        frozen = true;
    }

    /** Resumes a frozen process (SIGCONT); harmless when it is not frozen. */
    void thaw() {
        if (frozen) {
            process.signal("CONT");
            frozen = false;
        }
    }

    /** Rows of its {@code /api/status} {@code instances}; -1 while it does not answer (starting, frozen, resuming). */
    int instanceRows() {
        try {
            return status().getJsonArray("instances").size();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Members of a room on every instance, by its {@code /api/status}; -1 while it does not answer. */
    int membersOf(int room) {
        try {
            return status().getJsonArray("rooms").getValuesAs(jakarta.json.JsonObject.class).stream()
                    .filter(r -> r.getInt("room") == room).mapToInt(r -> r.getInt("members")).findFirst().orElse(0);
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * Lines of this member's log since its last launch that contain the text (the log file is appended to
     * across runs; each launch starts with a {@code ====} line).
     */
    long logLinesContaining(String text) {
        try {
            List<String> lines = Files.readAllLines(process.logFile(), StandardCharsets.ISO_8859_1);
            int start = 0;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith("==== ")) {
                    start = i;
                }
            }
            return lines.subList(start, lines.size()).stream().filter(l -> l.contains(text)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JVM prints its threads into the member's log (SIGQUIT, to this process's PID only): for a failing test. */
    void threadDump() {
        process.signal("QUIT");
    }

    /** Dies at once, as a crashed machine would: no shutdown hooks, no goodbye on the bus. */
    void kill() {
        if (process != null) {
            process.kill();
        }
    }

    /** Stops politely (SIGTERM), killing after a minute; a frozen process is resumed first. */
    @Override
    public void close() {
        if (process == null || !process.isRunning()) {
            return;
        }
        thaw();
        process.stop();
    }
}
