package io.roomcast.connection;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A bounded per-connection queue drained by asynchronous sends, one frame in flight at a time, so
 * frames keep their order and a slow peer never blocks the thread that broadcasts to it.
 *
 * <p>Bounded twice: by frames ({@code roomcast.limits.send-queue}) and by payload bytes
 * ({@code roomcast.limits.send-queue-bytes}). Both count the frames waiting, not the one being
 * written. One frame larger than the byte bound still enters an empty queue, or it could never be
 * sent. A frame is counted before it is queued and refused (and uncounted) when it would pass either
 * bound; the frame bound is exact, the byte bound can be passed only by offers racing with a frame
 * that entered an empty queue.
 *
 * <p>A sink that writes several frames at once ({@link FrameSink#maxBatchFrames}) is given the frames
 * waiting behind the next one, up to its bounds, as one write: that write is then the one in flight.
 *
 * <p>No lock is held while sending: whichever thread wins the {@code sending} flag starts the next
 * send, and the completion of that send starts the one after. A completion that arrives inline (the
 * socket took the bytes at once) would recurse; past a small depth the rest of the drain is handed to
 * the executor instead.
 */
public final class OutboundQueue {

    private static final int MAX_INLINE_DEPTH = 16;
    /**
     * Inline completions on this thread, across all queues: the limit protects the thread's stack,
     * and one shared ThreadLocal keeps the per-connection cost at zero entries per thread.
     */
    private static final ThreadLocal<int[]> INLINE_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private final FrameSink sink;
    private final int capacity;
    private final long maxBytes;
    private final Executor executor;
    private final Runnable onOverflow;
    private final Consumer<Throwable> onFailure;
    private final Queue<OutboundFrame> frames = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean overflowed = new AtomicBoolean();

    public OutboundQueue(FrameSink sink, int capacity, long maxBytes, Executor executor, Runnable onOverflow,
                         Consumer<Throwable> onFailure) {
        this.sink = sink;
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.executor = executor;
        this.onOverflow = onOverflow;
        this.onFailure = onFailure;
    }

    /**
     * Queues a frame. Returns false, and reports the overflow once, when the queue is full (in frames
     * or in bytes): the peer is not reading fast enough and will be dropped.
     */
    public boolean offer(OutboundFrame frame) {
        if (overflowed.get()) {
            return false;
        }
        long frameBytes = frame.payloadBytes();
        int count = size.incrementAndGet();
        long queuedBytes = bytes.addAndGet(frameBytes);
        if (count > capacity || (queuedBytes > maxBytes && count > 1)) {
            size.decrementAndGet();
            bytes.addAndGet(-frameBytes);
            if (overflowed.compareAndSet(false, true)) {
                onOverflow.run();
            }
            return false;
        }
        frames.add(frame);
        drain();
        return true;
    }

    public int size() {
        return size.get();
    }

    /** The payload bytes of the frames waiting. */
    public long queuedBytes() {
        return bytes.get();
    }

    private void drain() {
        while (sending.compareAndSet(false, true)) {
            OutboundFrame next = frames.poll();
            if (next == null) {
                sending.set(false);
                if (frames.isEmpty()) {
                    return;
                }
                continue;
            }
            size.decrementAndGet();
            bytes.addAndGet(-next.payloadBytes());
            List<OutboundFrame> batch = batchAfter(next);
            if (batch == null) {
                sink.send(next, this::sent);
            } else {
                sink.send(batch, this::sent);
            }
            return;
        }
    }

    /**
     * When the sink writes several frames at once: {@code first} and the frames behind it that fit in
     * one write, taken off the queue (and uncounted, as the frame being written always was). Null for a
     * write of {@code first} alone. Only the thread that holds {@code sending} takes frames.
     */
    private List<OutboundFrame> batchAfter(OutboundFrame first) {
        int maxFrames = sink.maxBatchFrames();
        if (maxFrames < 2 || !sink.batchable(first)) {
            return null;
        }
        long maxBytes = sink.maxBatchBytes();
        long batchBytes = first.payloadBytes();
        List<OutboundFrame> batch = null;
        OutboundFrame more;
        while ((more = frames.peek()) != null && sink.batchable(more)
                && (batch == null || batch.size() < maxFrames) && batchBytes + more.payloadBytes() <= maxBytes) {
            frames.poll();
            size.decrementAndGet();
            bytes.addAndGet(-more.payloadBytes());
            batchBytes += more.payloadBytes();
            if (batch == null) {
                batch = new ArrayList<>(Math.min(maxFrames, 8));
                batch.add(first);
            }
            batch.add(more);
        }
        return batch;
    }

    private void sent(Throwable failure) {
        if (failure != null) {
            frames.clear();
            size.set(0);
            bytes.set(0);
            onFailure.accept(failure);
            return;
        }
        sending.set(false);
        int[] d = INLINE_DEPTH.get();
        if (d[0] >= MAX_INLINE_DEPTH) {
            executor.execute(this::drain);
            return;
        }
        d[0]++;
        try {
            drain();
        } finally {
            d[0]--;
        }
    }
}
