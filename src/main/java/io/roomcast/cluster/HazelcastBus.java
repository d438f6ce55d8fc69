package io.roomcast.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bus of a Payara cluster: one plain Hazelcast topic of sealed {@code byte[]} events (see
 * docs/CLUSTER.md for why not a reliable topic) and Hazelcast's membership events for instance loss.
 * Events whose seal does not open (another secret, a stranger on the grid) or that are malformed are
 * dropped and counted, never applied (PROTOCOL 13.10).
 *
 * <p>Hazelcast's event thread only opens an event and queues it: the receiving instance applies events
 * on a thread of its own ({@link SerialQueue}), in the order they came, so that nothing Roomcast waits
 * for (a room's lock, a stream read) holds up the thread that also carries the quorum fence's pings and
 * answers ({@link MajorityFence}), which are handled right there.
 *
 * <p>This is the only class that names Hazelcast types. It is deliberately not a CDI bean (no
 * bean-defining annotation, and beans.xml discovers annotated classes only) and is loaded by
 * {@link ClusterBusProducer} through reflection, only after Payara's Hazelcast instance was found, so
 * a server without Hazelcast (WildFly) never loads it.
 */
public final class HazelcastBus implements ClusterBus {

    /** Where Payara binds its Hazelcast instance. A constant: naming it loads no Hazelcast type. */
    public static final String JNDI_NAME = "payara/Hazelcast";

    static final String TOPIC = "roomcast.bus";
    static final String GUESTS = "roomcast.guests";
    /** How long the quorum fence waits for its answers before a stream operation is refused. */
    static final Duration FENCE_WAIT = Duration.ofSeconds(3);
    /** At most one warning about rejected events per this many nanoseconds; the metric counts each. */
    private static final long REJECTED_LOG_GAP_NANOS = TimeUnit.MINUTES.toNanos(1);
    /**
     * Events waiting for the publisher thread before new ones are dropped: about a second of heavy
     * traffic, and at most 16 MiB of encoded events (sixteen 1 MiB binary frames), whichever comes first.
     */
    static final SerialQueue.Bound BACKLOG = new SerialQueue.Bound(100_000, 16L * 1024 * 1024);

    private static final Logger LOG = System.getLogger(HazelcastBus.class.getName());

    /** An event of another instance waiting for its turn. */
    private record Received(Origin origin, BusEvent event) {
    }

    private final HazelcastInstance hazelcast;
    private final ITopic<byte[]> topic;
    private final BusCodec codec;
    /** Renewed after a merge, which gives the local member a new UUID. */
    private volatile Origin self;
    private final SerialQueue<byte[]> publisher;
    private final SerialQueue<Received> receiver;
    private final MajorityFence fence;
    private final Runnable rejected;
    private final AtomicLong rejectedSinceLog = new AtomicLong();
    private final AtomicLong lastRejectedLog = new AtomicLong(System.nanoTime() - REJECTED_LOG_GAP_NANOS);
    private volatile BusListener listener;
    /** Whether the cluster has another member: while alone, nothing is published (see {@link #clustered}). */
    private volatile boolean others;
    private UUID topicRegistration;
    private UUID membershipRegistration;
    private UUID lifecycleRegistration;

    /**
     * Joined by Payara's own discovery only, which is what {@code --nocluster} leaves configured: the
     * member will have no others, so this instance keeps rooms' streams in its own memory (bounded by
     * {@code roomcast.history.max-bytes}), like a single server.
     */
    private final boolean discoveryOnly;

    private HazelcastBus(HazelcastInstance hazelcast, BusSetup setup, boolean discoveryOnly) {
        this.discoveryOnly = discoveryOnly;
        this.hazelcast = hazelcast;
        this.topic = hazelcast.getTopic(TOPIC);
        this.codec = new BusCodec(setup.seal());
        this.rejected = setup.rejected();
        // Receivers take the member from Hazelcast's message (see onMessage); the id carried in the event
        // is only their fallback, for a message from a member they do not list (yet).
        this.self = new Origin(hazelcast.getCluster().getLocalMember().getUuid().toString(), setup.instance());
        this.publisher = new SerialQueue<>("cluster bus backlog", setup.executor(), topic::publish, BACKLOG,
                new SerialQueue.Overflow<>() {
                    @Override
                    public void dropped() {
                        setup.dropped().run();
                    }

                    @Override
                    public byte[] resync() {
                        BusListener current = listener;
                        return current == null ? null : codec.encode(self, current.snapshot());
                    }
                });
        this.receiver = new SerialQueue<>("cluster bus receiving backlog", setup.executor(),
                received -> apply(received.origin(), received.event()), BACKLOG, new SerialQueue.Overflow<>() {
                    @Override
                    public void dropped() {
                        setup.dropped().run();
                    }

                    @Override
                    public Received resync() {
                        publish(new BusEvent.SyncRequest()); // every instance answers with its snapshot
                        return null;
                    }
                });
        this.fence = new MajorityFence(setup.quorum(), new MajorityFence.Cluster() {
            @Override
            public int members() {
                return hazelcast.getCluster().getMembers().size();
            }

            @Override
            public String incarnation() {
                return hazelcast.getCluster().getLocalMember().getUuid().toString();
            }

            @Override
            public void ping(long nonce) {
                topic.publish(codec.encode(self, new BusEvent.Ping(nonce))); // not queued: it must go now
            }
        }, FENCE_WAIT);
    }

    /**
     * The bus over the given Hazelcast instance, or null when that instance cannot reach other members:
     * it is not running, or no join method is configured (Payara Micro's {@code --nocluster}).
     */
    public static ClusterBus create(Object hazelcastInstance, BusSetup setup) {
        if (!(hazelcastInstance instanceof HazelcastInstance hz) || !hz.getLifecycleService().isRunning()) {
            return null;
        }
        JoinConfig join = hz.getConfig().getNetworkConfig().getJoin();
        LOG.log(Level.INFO, "Hazelcast join: multicast {0}, tcp-ip {1}, discovery {2}, auto-detection {3}",
                join.getMulticastConfig().isEnabled(), join.getTcpIpConfig().isEnabled(),
                join.getDiscoveryConfig().isEnabled(), join.isAutoDetectionEnabled());
        if (!joins(join)) {
            return null;
        }
        boolean discoveryOnly = !(join.getMulticastConfig().isEnabled() || join.getTcpIpConfig().isEnabled()
                || join.getAwsConfig().isEnabled() || join.getGcpConfig().isEnabled()
                || join.getAzureConfig().isEnabled() || join.getKubernetesConfig().isEnabled()
                || join.getEurekaConfig().isEnabled() || join.isAutoDetectionEnabled());
        return new HazelcastBus(hz, setup, discoveryOnly);
    }

    private static boolean joins(JoinConfig join) {
        return join.getMulticastConfig().isEnabled() || join.getTcpIpConfig().isEnabled()
                || join.getAwsConfig().isEnabled() || join.getGcpConfig().isEnabled()
                || join.getAzureConfig().isEnabled() || join.getKubernetesConfig().isEnabled()
                || join.getEurekaConfig().isEnabled() || join.getDiscoveryConfig().isEnabled()
                || join.isAutoDetectionEnabled();
    }

    @Override
    public Origin self() {
        return self;
    }

    /**
     * True while the Hazelcast cluster has another member. A member alone, such as Payara Micro with
     * {@code --nocluster} (its Hazelcast runs, but nobody can join it), then behaves exactly as a single
     * server: callers publish nothing. When a member joins, each side sends the other a snapshot, so
     * nothing that happened while alone is missing.
     */
    @Override
    public boolean clustered() {
        return others;
    }

    @Override
    public boolean local() {
        return discoveryOnly;
    }

    @Override
    public synchronized void start(BusListener listener) {
        this.listener = listener;
        topicRegistration = topic.addMessageListener(this::onMessage);
        membershipRegistration = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                others = true;
                if (discoveryOnly) {
                    LOG.log(Level.WARNING, "a member joined, but this instance was started without a cluster mode "
                            + "(as --nocluster leaves it): its rooms' streams stay in its own memory, so offsets "
                            + "differ between instances. Start clustered instances with --clustermode (docs/CLUSTER.md)");
                }
                LOG.log(Level.INFO, "cluster member {0} added: {1} member(s)", event.getMember().getUuid(),
                        event.getMembers().size());
                // A member that joined after us (or after a split healed) learns our state from this.
                offerSnapshot();
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                others = event.getMembers().size() > 1;
                Member gone = event.getMember();
                safely(() -> listener.memberLost(gone.getUuid().toString()));
            }
        });
        lifecycleRegistration = hazelcast.getLifecycleService().addLifecycleListener(this::onLifecycle);
        int members = hazelcast.getCluster().getMembers().size();
        others = members > 1;
        if (others) {
            publish(new BusEvent.SyncRequest());
        }
        LOG.log(Level.INFO, "cluster bus on Hazelcast topic {0}: instance {1} on member {2}, {3} member(s){4}",
                TOPIC, self.instance(), self.member(), members,
                others ? "" : "; single-instance mode until another member joins");
    }

    @Override
    public void publish(BusEvent event) {
        byte[] encoded = codec.encode(self, event); // encoded and sealed on the caller's thread, spreading the work
        publisher.offer(encoded, encoded.length);
    }

    /** The quorum fence around the cluster's stream operations (used by {@link HazelcastStreams}). */
    @Override
    public MajorityFence fence() {
        return fence;
    }

    /** Counts (and now and then logs) bytes from the grid that failed their seal or their format. */
    void rejected(String what, RuntimeException why) {
        rejected.run();
        long count = rejectedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastRejectedLog.get();
        if (now - last >= REJECTED_LOG_GAP_NANOS && lastRejectedLog.compareAndSet(last, now)) {
            rejectedSinceLog.addAndGet(-count);
            LOG.log(Level.WARNING, "rejected {0} {1} from the cluster''s grid (another instance with a different "
                    + "roomcast.cluster.secret, or a forgery): {2}; counted in roomcast_cluster_rejected_total, "
                    + "logged at most once a minute", count, what, why.getMessage());
        }
    }

    /** From a Flake ID generator: unique cluster-wide without a round trip per number. */
    @Override
    public long uniqueNumber() {
        if (!others) {
            return 0;
        }
        try {
            return hazelcast.getFlakeIdGenerator(GUESTS).newId();
        } catch (RuntimeException e) {
            return 0; // the cluster is going away: a local number will do
        }
    }

    @Override
    public synchronized void stop() {
        if (topicRegistration == null) {
            return;
        }
        try {
            // Directly, not queued: the executor may already be gone when the application stops.
            topic.publish(codec.encode(self, new BusEvent.Goodbye()));
            topic.removeMessageListener(topicRegistration);
            hazelcast.getCluster().removeMembershipListener(membershipRegistration);
            hazelcast.getLifecycleService().removeLifecycleListener(lifecycleRegistration);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "cluster bus stop: {0}", e.toString());
        }
        topicRegistration = null;
    }

    /**
     * On Hazelcast's event thread: opens the event, answers and counts the quorum fence's pings and
     * answers at once, and queues everything else for {@link #apply}.
     */
    private void onMessage(Message<byte[]> message) {
        byte[] bytes = message.getMessageObject();
        BusCodec.Envelope envelope;
        try {
            envelope = codec.decode(bytes);
        } catch (IllegalArgumentException e) {
            rejected("bus event(s)", e);
            return;
        }
        if (envelope.origin().instance().equals(self.instance())) {
            return; // our own event: delivered locally before it was published
        }
        Origin origin = new Origin(publishingMember(message, envelope.origin().member()), envelope.origin().instance());
        BusEvent event = envelope.event();
        if (event instanceof BusEvent.Ping ping) {
            // Reaches the pinger only while this member still counts it as a member (see MajorityFence).
            safely(() -> topic.publish(codec.encode(self, new BusEvent.Pong(ping.nonce(), origin.instance()))));
        } else if (event instanceof BusEvent.Pong pong) {
            if (pong.to().equals(self.instance())) {
                fence.answered(pong.nonce(), origin.member());
            }
        } else {
            receiver.offer(new Received(origin, event), bytes.length);
        }
    }

    /** Another instance's event, in its turn, on the receiving queue's thread. */
    private void apply(Origin origin, BusEvent event) {
        if (event instanceof BusEvent.SyncRequest) {
            offerSnapshot();
        }
        safely(() -> listener.received(origin, event));
    }

    /**
     * The member that published, as Hazelcast knows it now: its UUID is what a later memberRemoved
     * names, and it changes when that member merges back after a split. The id the event carries is
     * the fallback, for a message from a member not (or no longer) in this member's list.
     */
    private static String publishingMember(Message<byte[]> message, String carried) {
        Member member = message.getPublishingMember();
        return member == null || member.getUuid() == null ? carried : member.getUuid().toString();
    }

    /**
     * After a split-brain merge this member's node was restarted into the other cluster (with a new
     * member UUID), and the others may have forgotten this instance: ask for every instance's snapshot
     * and send ours, so that both sides take each other back.
     */
    private void onLifecycle(LifecycleEvent event) {
        LifecycleEvent.LifecycleState state = event.getState();
        if (state == LifecycleEvent.LifecycleState.MERGING || state == LifecycleEvent.LifecycleState.MERGE_FAILED) {
            LOG.log(Level.INFO, "Hazelcast split-brain merge: {0}", state);
        } else if (state == LifecycleEvent.LifecycleState.MERGED) {
            self = new Origin(hazelcast.getCluster().getLocalMember().getUuid().toString(), self.instance());
            LOG.log(Level.INFO, "Hazelcast split-brain merge: MERGED as member {0}; asking every instance to resync",
                    self.member());
            others = hazelcast.getCluster().getMembers().size() > 1;
            offerSnapshot();
            publish(new BusEvent.SyncRequest());
        }
    }

    /** The snapshot is taken when its turn to be published comes, after every event queued before it. */
    private void offerSnapshot() {
        publisher.offerLazily(() -> codec.encode(self, listener.snapshot()));
    }

    /** A failing listener must not kill Hazelcast's event thread, nor the other events behind it. */
    private static void safely(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cluster bus event failed: {0}", e.toString());
        }
    }
}
