package io.roomcast.cluster;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Hands items to a sink on one thread at a time, in the order they were offered. Two of them serve the
 * bus. Sending: Hazelcast keeps the order of one publisher's messages; this keeps the order of ours
 * across the many threads that handle frames, and keeps those threads off the network. Snapshots are
 * offered as suppliers, so that one is taken when its turn comes, after every event queued before it has
 * been published. Receiving: other instances' events are applied in the order they came, on a thread of
 * ours, so that Hazelcast's event thread never waits for Roomcast (a lock, a stream read) and the quorum
 * fence's answers, which arrive on that thread, are never stuck behind it.
 *
 * <p>The backlog is bounded by its count of items and by the bytes of the encoded events in it (one
 * event may carry a 1 MiB binary frame). What is offered beyond either bound is dropped: an
 * <em>overflow episode</em> begins with the first drop, which is logged once, and ends when the backlog
 * has drained; then the {@link Overflow#resync() resync item} is handed over (sending: this instance's
 * snapshot, so that the other instances replace their view of this one instead of silently diverging;
 * receiving: a request for everyone's snapshot). Binary frames and direct messages dropped in the
 * episode are lost; room messages are read back from their streams when the snapshots arrive.
 *
 * @param <T> an encoded event (sending) or a received one
 */
final class SerialQueue<T> {

    /** What the backlog may hold before new items are dropped. */
    record Bound(int events, long bytes) {
    }

    /** What the owner does about dropped items. */
    interface Overflow<T> {

        /** One item was dropped: counted by the metric. Called on the offering thread. */
        void dropped();

        /**
         * The backlog drained after an overflow episode: the item that resyncs this instance and the
         * others, taken now, on the queue's thread; null for none.
         */
        T resync();
    }

    private record Item<T>(Supplier<T> item, int size) {
    }

    private static final Logger LOG = System.getLogger(SerialQueue.class.getName());

    private final String name;
    private final Executor executor;
    private final Consumer<T> sink;
    private final Bound bound;
    private final Overflow<T> overflow;
    private final Queue<Item<T>> queue = new ConcurrentLinkedQueue<>();
    /** Items and event bytes offered and not yet published (an item counts until its publish returns). */
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicBoolean draining = new AtomicBoolean();
    /** Set by the first drop of an overflow episode, cleared when the backlog has drained. */
    private final AtomicBoolean overflowing = new AtomicBoolean();
    private final AtomicLong droppedInEpisode = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /** @param name what the log calls it: "cluster bus backlog", ... */
    SerialQueue(String name, Executor executor, Consumer<T> sink, Bound bound, Overflow<T> overflow) {
        this.name = name;
        this.executor = executor;
        this.sink = sink;
        this.bound = bound;
        this.overflow = overflow;
    }

    /** Queues an item of that many bytes; dropped when the backlog is full. */
    void offer(T item, int bytes) {
        offer(new Item<>(() -> item, bytes));
    }

    /**
     * Queues an item taken when its turn comes (a snapshot): it counts as one item and no bytes, since
     * it holds none while it waits. Dropped when the backlog is full; the resync at the end of the
     * episode takes its place.
     */
    void offerLazily(Supplier<T> item) {
        offer(new Item<>(item, 0));
    }

    /** Items waiting or being published. */
    int size() {
        return size.get();
    }

    /** Event bytes waiting or being published. */
    long bytes() {
        return bytes.get();
    }

    /** Items dropped since this publisher was made. */
    long dropped() {
        return dropped.get();
    }

    private void offer(Item<T> item) {
        if (!reserve(item.size())) {
            drop();
            return;
        }
        queue.add(item);
        schedule();
    }

    private void schedule() {
        if (draining.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                draining.set(false); // shutting down: nobody left to publish for
            }
        }
    }

    private boolean reserve(int itemBytes) {
        if (size.incrementAndGet() > bound.events()) {
            size.decrementAndGet();
            return false;
        }
        if (bytes.addAndGet(itemBytes) > bound.bytes()) {
            bytes.addAndGet(-itemBytes);
            size.decrementAndGet();
            return false;
        }
        return true;
    }

    private void drop() {
        dropped.incrementAndGet();
        droppedInEpisode.incrementAndGet();
        overflow.dropped();
        if (overflowing.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "{0} full ({1} events / {2} bytes queued, bounds {3} / {4}): dropping events "
                            + "until it drains, then instances exchange a snapshot to resync presence and client ids; "
                            + "binary frames and direct messages dropped meanwhile are lost, room messages are read "
                            + "back from their streams",
                    name, size.get(), bytes.get(), bound.events(), bound.bytes());
        }
        // Normally the publisher is busy (the backlog is full) and resyncs once it drained; should it
        // have drained between our check and now, this makes sure the episode still ends with a resync.
        schedule();
    }

    private void drain() {
        do {
            Item<T> item;
            while ((item = queue.poll()) != null) {
                publish(item.item());
                bytes.addAndGet(-item.size());
                size.decrementAndGet();
            }
            if (overflowing.get()) {
                resync();
            }
            draining.set(false);
            // an item offered after the poll above but before the flag was cleared is ours to publish
        } while (!queue.isEmpty() && draining.compareAndSet(false, true));
    }

    /** The backlog drained after dropping: the others learn this instance's state afresh. */
    private void resync() {
        // Cleared before the count is taken: a drop from now on opens a new episode, with its own resync.
        overflowing.set(false);
        long lost = droppedInEpisode.getAndSet(0);
        LOG.log(Level.WARNING, "{0} drained after dropping {1} event(s): resyncing with a snapshot; room "
                + "messages among them are read back from their streams", name, lost);
        publish(overflow::resync);
    }

    private void publish(Supplier<T> supplier) {
        try {
            T item = supplier.get();
            if (item != null) {
                sink.accept(item);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "{0}: an item failed: {1}", name, e.toString());
        }
    }
}
