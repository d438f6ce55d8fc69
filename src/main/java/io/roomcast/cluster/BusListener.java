package io.roomcast.cluster;

/** What a {@link ClusterBus} calls back into: the receiving side of this instance. */
public interface BusListener {

    /** An event published by another instance, in the order that instance published it. */
    void received(Origin origin, BusEvent event);

    /** Hazelcast removed a member: every instance on it is gone. */
    void memberLost(String member);

    /** This instance's connections, for another instance that asked; called on the publishing thread. */
    BusEvent.Snapshot snapshot();
}
