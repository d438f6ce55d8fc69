package io.roomcast.cluster;

/**
 * Carries room traffic, direct messages and presence between Roomcast instances. There are three: the
 * {@link LocalBus} of a single server, which carries nothing, the Hazelcast bus of a Payara cluster,
 * and the {@link PostgresBus} of instances sharing one database (where room messages travel by the
 * database's streams instead). Callers deliver to their own instance's sessions first and then publish; the bus never
 * hands an instance its own events back.
 */
public interface ClusterBus {

    /** This instance as the others know it. */
    Origin self();

    /** False while no other instance can hear (a single server): callers then build no events at all. */
    boolean clustered();

    /**
     * True for the bus of a single server ({@link LocalBus}), which will never have other instances, and
     * for a Hazelcast member joined by Payara's own discovery only (as {@code --nocluster} leaves it);
     * false for a Hazelcast bus with a real join method, even while it is alone (another member may
     * join at any time). Rooms' streams are held by the cluster only when it is false.
     */
    boolean local();

    /** Starts receiving; events published before are not lost, only not delivered to this instance. */
    void start(BusListener listener);

    /** Publishes to every other instance; never blocks on the network. Order of calls is kept. */
    void publish(BusEvent event);

    /**
     * A positive number no other instance hands out, for guest names; 0 when there are no other
     * instances (a local counter is then enough).
     */
    long uniqueNumber();

    /** Says goodbye and stops receiving. */
    void stop();

    /**
     * The quorum fence of this bus's cluster (PROTOCOL 13.10), which the cluster's stream store puts
     * around every operation: a single server is a majority of itself. (The store is handed the fence,
     * never the bus: Weld's client proxy answers a method that returns its bus with the proxy itself.)
     */
    MajorityFence fence();
}
