package io.roomcast.cluster;

import static org.awaitility.Awaitility.await;

import io.roomcast.testsupport.LeftoverProcesses;
import io.roomcast.testsupport.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A three-instance cluster ({@code roomcast.cluster.size=3}, a quorum of two) shared by the cluster test
 * classes whose settings it meets (ClusterHealIT, ClusterStreamIT): booted once per run by the first
 * class that asks, in the root context's store, and stopped after the last test of the run. Those
 * classes take it as a {@code @BeforeAll} parameter ({@code @ExtendWith(SharedCluster.class)}) and hold
 * the lock {@link #LOCK}, so they run one after another.
 *
 * <p>A class may freeze or kill members: the next one gets the cluster whole again. Frozen members are
 * resumed and dead ones launched again as they were (same ports, cluster and settings), and every
 * member sees three instances before the class starts.
 */
final class SharedCluster implements ParameterResolver {

    /** The {@code @ResourceLock} of the classes that share the cluster. */
    static final String LOCK = "roomcast-shared-cluster";

    static final int SIZE = 3;
    /** Hazelcast removes a silent member after this (ClusterHealIT freezes one at least as long). */
    static final int NO_HEARTBEAT_SECONDS = 5;
    /** Hazelcast's partition count, which Payara Micro keeps. */
    static final int PARTITIONS = 271;

    /**
     * What the classes on it need, all at once: a known JWT secret; heartbeats every 5 s with a 120 s
     * timeout (the WebSocket clients of a frozen instance outlive the freeze); rate limits above the
     * bursts of publishes from one address; 10 rooms per connection (ClusterStreamIT's refused join);
     * two idempotency keys per partition (max-bytes / 512 over 271 partitions, ClusterStreamIT);
     * Hazelcast's member timeouts lowered (Payara sets none of these, so its embedded Hazelcast reads
     * them from the system properties), so that a frozen member is removed and merged back within a test.
     */
    static final Map<String, String> SETTINGS = Map.ofEntries(
            Map.entry("roomcast.jwt.secret", TestTokens.SECRET),
            Map.entry("roomcast.heartbeat.interval", "5"),
            Map.entry("roomcast.heartbeat.timeout", "120"),
            Map.entry("roomcast.limits.rate", "10000"),
            Map.entry("roomcast.limits.burst", "10000"),
            Map.entry("roomcast.limits.user-rate", "10000"),
            Map.entry("roomcast.limits.user-burst", "10000"),
            Map.entry("roomcast.limits.rooms-per-connection", "10"),
            Map.entry("roomcast.history.max-bytes", String.valueOf(2L * 512 * PARTITIONS)),
            Map.entry("roomcast.shutdown.grace", "0"),
            Map.entry("hazelcast.heartbeat.interval.seconds", "1"),
            Map.entry("hazelcast.max.no.heartbeat.seconds", Integer.toString(NO_HEARTBEAT_SECONDS)),
            Map.entry("hazelcast.merge.first.run.delay.seconds", "5"),
            Map.entry("hazelcast.merge.next.run.delay.seconds", "5"));

    private static final Duration WHOLE_AGAIN = Duration.ofSeconds(180);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedCluster.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Members.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        LeftoverProcesses.checkAtEnd(context); // stored before the cluster: checks after it stopped
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Members.class, type -> new Members(ClusterMember.startCluster("cluster-shared", SIZE, SETTINGS)),
                        Members.class)
                .whole();
    }

    /** The members, in the order planned; closed (every member stopped) with the root context. */
    static final class Members implements ExtensionContext.Store.CloseableResource {
        private final List<ClusterMember> members;

        private Members(List<ClusterMember> members) {
            this.members = List.copyOf(members);
        }

        List<ClusterMember> list() {
            return members;
        }

        ClusterMember get(int index) {
            return members.get(index);
        }

        /** Resumes the frozen, launches the dead again, and waits until every member sees all three. */
        private Members whole() {
            members.forEach(ClusterMember::thaw);
            List<ClusterMember> dead = members.stream().filter(m -> !m.isAlive()).toList();
            dead.forEach(ClusterMember::relaunch);
            Instant deadline = Instant.now().plus(ClusterMember.STARTUP);
            dead.forEach(m -> m.awaitReady(deadline));
            await().atMost(WHOLE_AGAIN).until(() -> members.stream().allMatch(m -> m.instanceRows() == SIZE));
            return this;
        }

        @Override
        public void close() {
            members.forEach(ClusterMember::close);
        }
    }
}
