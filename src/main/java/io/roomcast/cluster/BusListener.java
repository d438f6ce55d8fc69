package io.roomcast.cluster;

/** What a {@link ClusterBus} calls back into: the receiving side of this instance. */
public interface BusListener {

    /** An event published by another instance, in the order that instance published it. */
    void received(Origin origin, BusEvent event);

    /**
     * A room's stream has offsets up to {@code latest} (the durable store's notification, PROTOCOL 14):
     * whatever of it this instance has not delivered is read from the stream. Must not wait for that.
     */
    default void streamAdvanced(int room, long latest) {
    }

    /**
     * Rooms' streams may have advanced without a word reaching this instance (its listening connection
     * was just (re)established, or a notification was lost or folded): every room with members here
     * catches up. Must not wait for that.
     */
    default void streamsMayHaveAdvanced() {
    }

    /** A member is gone with every instance on it (Hazelcast removed it; on the database bus, its lease ran out). */
    void memberLost(String member);

    /** This instance's connections, for another instance that asked; called on the publishing thread. */
    BusEvent.Snapshot snapshot();
}
