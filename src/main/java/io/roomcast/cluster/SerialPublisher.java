package io.roomcast.cluster;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Publishes on one thread at a time, in the order items were offered. Hazelcast keeps the order of one
 * publisher's messages; this keeps the order of ours across the many threads that handle frames, and
 * keeps those threads off the network. Items are suppliers so that a snapshot is taken when its turn
 * comes, after every event queued before it has been published.
 */
final class SerialPublisher {

    private static final Logger LOG = System.getLogger(SerialPublisher.class.getName());

    private final Executor executor;
    private final Consumer<byte[]> sink;
    private final int capacity;
    private final Queue<Supplier<byte[]>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean warned = new AtomicBoolean();

    SerialPublisher(Executor executor, Consumer<byte[]> sink, int capacity) {
        this.executor = executor;
        this.sink = sink;
        this.capacity = capacity;
    }

    /** Queues an item; when the cluster cannot keep up and the queue is full, the item is dropped. */
    void offer(Supplier<byte[]> item) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            if (warned.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "cluster bus backlog over {0} events: dropping until it drains", capacity);
            }
            return;
        }
        queue.add(item);
        if (draining.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                draining.set(false); // shutting down: nobody left to publish for
            }
        }
    }

    int size() {
        return size.get();
    }

    private void drain() {
        do {
            Supplier<byte[]> item;
            while ((item = queue.poll()) != null) {
                size.decrementAndGet();
                try {
                    sink.accept(item.get());
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "cluster bus publish failed: {0}", e.toString());
                }
            }
            warned.set(false);
            draining.set(false);
            // an item offered after the poll above but before the flag was cleared is ours to publish
        } while (!queue.isEmpty() && draining.compareAndSet(false, true));
    }
}
