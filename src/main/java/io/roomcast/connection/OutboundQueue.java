package io.roomcast.connection;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;

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
 * <p>An overflow or a failed send kills the queue (PROTOCOL 13.7): from that moment it takes no frame,
 * the frames waiting are dropped and nothing more is written, not even what a completion of the write
 * in flight would have started. What follows (the connection leaving its rooms, its close) is handed to
 * the executor, never run on the thread that offered or completed: that thread may hold a room's
 * sequencer lock, and the disconnect takes the locks of every room the connection is in.
 *
 * <p>A sink that writes several frames at once ({@link FrameSink#maxBatchFrames}) is given the frames
 * waiting behind the next one, up to its bounds, as one write: that write is then the one in flight.
 *
 * <p>No lock of ours is held while sending: whichever thread wins the {@code sending} flag starts the
 * next send, and the completion of that send starts the one after. A completion that arrives inline (the
 * socket took the bytes at once) would recurse; past a small depth the rest of the drain is handed to
 * the executor instead.
 *
 * <p>{@link #offer} may start a write on the caller's thread, and callers do hold a room's sequencer
 * lock (fan-out queues each member's frame under it). That is safe because of what a write started here
 * can do: the sinks only start an asynchronous write ({@link FrameSink}: the server's own non-blocking
 * writer, or {@code RemoteEndpoint.Async}), which never waits for the peer (Tyrus writes only when the
 * servlet stream says it is ready and otherwise queues the frame; Undertow queues it on the channel for
 * its I/O thread); the only locks it takes are the server's locks of this one connection, which the
 * {@code sending} flag lets one thread at a time reach from here; and its completion, inline or later,
 * calls back only into this queue, which then writes the next frame of the same connection or hands off.
 * No path from a write leads into room code, so no room's lock is ever taken inside it.
 */
public final class OutboundQueue {

    private static final Logger LOG = System.getLogger(OutboundQueue.class.getName());
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
    private final LongConsumer onOverflow;
    private final Consumer<Throwable> onFailure;
    private final IntConsumer queued;
    private final Queue<OutboundFrame> frames = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicBoolean sending = new AtomicBoolean();
    /** Set once, by an overflow or a failed send: the queue takes and writes nothing more. */
    private final AtomicBoolean dead = new AtomicBoolean();

    /**
     * @param executor runs the rest of a long drain, and {@code onOverflow} and {@code onFailure}: never the
     *                 caller's thread
     * @param onOverflow told once, on the executor, when the queue overflowed, with {@link System#nanoTime()}
     *                   at the overflow
     * @param onFailure told once, on the executor, when a send failed (unless the queue had overflowed)
     */
    public OutboundQueue(FrameSink sink, int capacity, long maxBytes, Executor executor, LongConsumer onOverflow,
                         Consumer<Throwable> onFailure) {
        this(sink, capacity, maxBytes, executor, onOverflow, onFailure, frames -> { });
    }

    /**
     * @param queued told, on the offering thread, the frames waiting right after each frame was queued (this
     *               one included): the send-queue depth figure. Must be cheap and must not block.
     */
    public OutboundQueue(FrameSink sink, int capacity, long maxBytes, Executor executor, LongConsumer onOverflow,
                         Consumer<Throwable> onFailure, IntConsumer queued) {
        this.sink = sink;
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.executor = executor;
        this.onOverflow = onOverflow;
        this.onFailure = onFailure;
        this.queued = queued;
    }

    /**
     * Queues a frame. Returns false when the queue is dead, or when this frame would pass a bound (in
     * frames or in bytes): the queue then dies and reports the overflow once, on the executor. The peer
     * is not reading fast enough and will be dropped.
     */
    public boolean offer(OutboundFrame frame) {
        if (dead.get()) {
            return false;
        }
        long frameBytes = frame.payloadBytes();
        int count = size.incrementAndGet();
        long queuedBytes = bytes.addAndGet(frameBytes);
        if (count > capacity || (queuedBytes > maxBytes && count > 1)) {
            size.decrementAndGet();
            bytes.addAndGet(-frameBytes);
            die(() -> onOverflow.accept(System.nanoTime()));
            return false;
        }
        frames.add(frame);
        queued.accept(count);
        if (dead.get()) {
            discard(); // died while this frame went in: it must not stay queued
            return false;
        }
        drain();
        return true;
    }

    /** Whether the queue overflowed or a send failed: it takes and writes nothing more. */
    public boolean dead() {
        return dead.get();
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
            if (dead.get()) {
                discard(); // and keep the flag: a dead queue starts no write
                return;
            }
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
            die(() -> onFailure.accept(failure));
            return;
        }
        sending.set(false);
        int[] d = INLINE_DEPTH.get();
        if (d[0] >= MAX_INLINE_DEPTH) {
            handOff(this::drain);
            return;
        }
        d[0]++;
        try {
            drain();
        } finally {
            d[0]--;
        }
    }

    /** Kills the queue, once: drops what waits and hands {@code then} to the executor. */
    private void die(Runnable then) {
        if (dead.compareAndSet(false, true)) {
            discard();
            handOff(then);
        }
    }

    /** Drops the frames waiting, uncounting each (an offer racing with this uncounts its own). */
    private void discard() {
        OutboundFrame dropped;
        while ((dropped = frames.poll()) != null) {
            size.decrementAndGet();
            bytes.addAndGet(-dropped.payloadBytes());
        }
    }

    private void handOff(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // The executor stops only when the application does, and then every connection is closed.
            LOG.log(Level.DEBUG, "outbound queue: executor stopped, not run: {0}", e.toString());
        }
    }
}
