package io.roomcast.cluster;

/** The bus of a single server: there is nobody to tell. */
final class LocalBus implements ClusterBus {

    private final Origin self;

    LocalBus(String instance) {
        this.self = new Origin("local", instance);
    }

    @Override
    public Origin self() {
        return self;
    }

    @Override
    public boolean clustered() {
        return false;
    }

    @Override
    public boolean local() {
        return true;
    }

    @Override
    public void start(BusListener listener) {
    }

    @Override
    public void publish(BusEvent event) {
    }

    @Override
    public long uniqueNumber() {
        return 0;
    }

    @Override
    public void stop() {
    }

    /** A single server is a majority of itself: the fence lets everything through. */
    @Override
    public MajorityFence fence() {
        return MajorityFence.ALONE;
    }
}
