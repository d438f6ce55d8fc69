package io.roomcast.cluster;

import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Real Hazelcast members (the version Payara Micro ships) embedded in the test's JVM on loopback, with
 * a cluster name of their own, for the cluster adapter's tests.
 */
final class TestGrid implements AutoCloseable {

    final List<HazelcastInstance> members = new ArrayList<>();
    private final String cluster = "grid-test-" + UUID.randomUUID();
    private final List<Integer> ports = new ArrayList<>();

    @Override
    public void close() {
        members.forEach(m -> m.getLifecycleService().terminate());
    }

    /** Data members, then lite members, all on loopback, each given the ports of all of them. */
    List<HazelcastInstance> cluster(int data, int lite) {
        while (ports.size() < data + lite + 1) {
            int port = freePort();
            if (!ports.contains(port)) {
                ports.add(port);
            }
        }
        for (int i = 0; i < data; i++) {
            start(false);
        }
        for (int i = 0; i < lite; i++) {
            start(true);
        }
        int expected = data + lite;
        await().atMost(Duration.ofSeconds(60)).until(() -> members.get(0).getCluster().getMembers().size() == expected);
        return List.copyOf(members);
    }

    HazelcastInstance start(boolean lite) {
        Config config = new Config();
        config.setClusterName(cluster);
        config.setLiteMember(lite);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.logging.type", "none");
        config.setProperty("hazelcast.wait.seconds.before.join", "0"); // members are listed: no need to wait
        config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(ports.get(members.size())).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        ports.forEach(p -> join.getTcpIpConfig().addMember("127.0.0.1:" + p));
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        members.add(member);
        return member;
    }

    /**
     * A free port below Linux's ephemeral range (32768-60999): a port the kernel hands out with
     * {@code new ServerSocket(0)} can be taken by any outgoing connection before Hazelcast binds it.
     */
    private static int freePort() {
        IOException last = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 20000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(10000);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException("no free port in 20000-29999", last);
    }
}
