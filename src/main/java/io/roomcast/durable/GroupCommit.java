package io.roomcast.durable;

import io.roomcast.room.event.RoomEvent;
import io.roomcast.stream.Appended;
import io.roomcast.stream.MemoryStreams;
import io.roomcast.stream.StreamUnavailableException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ObjIntConsumer;

/**
 * The store's one writer on this instance: whatever publishes arrived while the last transaction ran
 * go into the next one together (group commit), so a commit's round trips and its flush to disk are
 * paid once for many messages, of many rooms. Each publish is answered when its transaction has
 * committed, and never before: an ack means the message is in the database.
 *
 * <p>The queue is bounded in publishes and in bytes (a JSON client does not wait for its publish's
 * commit before sending the next, so the bound is here, PROTOCOL 13); a publish that finds it full is
 * refused as {@code unavailable} rather than held in memory. A failed transaction fails every publish in it, none of which is then acknowledged;
 * a client that resends with the same key gets the first one's placement if the commit had landed after all.
 */
final class GroupCommit implements AutoCloseable {

    private static final Logger LOG = System.getLogger(GroupCommit.class.getName());

    /** Publishes waiting for a transaction; past this, new ones are refused. */
    static final int QUEUE = 65_536;
    /**
     * Bytes of the publishes waiting for or in a transaction (as the memory store counts a message:
     * {@code MemoryStreams.cost}); past this, new ones are refused.
     */
    static final long QUEUE_BYTES = 64L * 1024 * 1024;
    /** The most publishes one transaction takes: larger batches gain little and hold room locks longer. */
    static final int BATCH = 2_000;
    /**
     * A batch that finds this many publishes waiting already pays its fixed costs well, and does not
     * wait: clients that each wait for their ack before the next publish (a closed loop) arrive together
     * during a commit, and a wait would only slow them down.
     */
    static final int LINGER_BELOW = 8;
    /**
     * How long a publish waits for its commit before it is refused as {@code unavailable} (PROTOCOL 14: it
     * may still commit). Watched once a second for all publishes ({@link #refuseOverdue}) rather than by a
     * timer per publish: those timers, set and cancelled 2,000 times a second, cost 1 % of the server's
     * CPU in the 100x10 fan-out (docs/BENCHMARKS.md). A publish is refused between this and a second more.
     */
    static final long ANSWER_WITHIN_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long WATCH_EVERY_MILLIS = 1_000;

    /**
     * A publish waiting for its transaction, queued at {@code queuedAt} ({@link System#nanoTime()}), and
     * its bytes as the memory store counts them ({@code MemoryStreams.cost}), counted once: in the queue's
     * bound, then stored with it.
     */
    record Pending(RoomEvent.Message message, String dedupKey, CompletableFuture<Appended> done, long queuedAt,
                   long cost) {
        Pending(RoomEvent.Message message, String dedupKey, CompletableFuture<Appended> done) {
            this(message, dedupKey, done, System.nanoTime(), MemoryStreams.cost(message));
        }
    }

    private final Database database;
    private final Transaction transaction;
    private final Availability availability;
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Future<?> writer;
    private final List<Executor> completions;
    /**
     * While publishes arrive back to back, how long after its first publish arrived a transaction waits
     * for company ({@code roomcast.store.batch-wait}). A transaction's cost is mostly fixed (its round
     * trips, the commit's flush, the hand-over to the answering lanes): at 2,000 publishes/s a commit of
     * half a millisecond took one or two publishes each, and those fixed costs were most of the postgres
     * fan-out's extra CPU; 1 ms made batches of about 3.7, 2 ms of about 5.7, and the writer's CPU fell by
     * a third again (docs/BENCHMARKS.md). A publish that finds the writer idle is written at once: the
     * wait costs latency only under load, at most this much.
     */
    private final long lingerNanos;
    private final Future<?> watch;
    /** The batch in its transaction, for {@link #refuseOverdue} (a copy: the writer reuses its list). */
    private volatile List<Pending> writing = List.of();
    private volatile boolean running = true;

    /**
     * @param linger how long a batch may wait for company (see {@link #lingerNanos})
     * @param lanes  the writer's loop runs on its lane and nothing else does; publishes are answered on the
     *               answering lanes, a room always on the same one, in commit order: what follows an answer
     *               (the delivery to this instance's members, the ack) never holds up the next transaction,
     *               and the rooms' deliveries run side by side. One lane alone delivered every message of the
     *               instance and was the bottleneck of the 100x10 fan-out (JFR: the lane at a full core, in
     *               its socket writes, with cores to spare; docs/BENCHMARKS.md). The watchdog refuses what
     *               is not committed in time ({@link #refuseOverdue}).
     */
    GroupCommit(Database database, Transaction transaction, Availability availability, Duration linger,
                PostgresStreams.Lanes lanes) {
        if (lanes.answers().isEmpty()) {
            throw new IllegalArgumentException("no lane to answer on");
        }
        this.database = database;
        this.transaction = transaction;
        this.availability = availability;
        this.lingerNanos = linger.toNanos();
        this.completions = List.copyOf(lanes.answers());
        this.writer = lanes.writer().submit(this::run);
        this.watch = lanes.watchdog().scheduleWithFixedDelay(this::refuseOverdue, WATCH_EVERY_MILLIS,
                WATCH_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Queues a publish; its future completes once committed, or fails with {@link StreamUnavailableException}. */
    CompletableFuture<Appended> submit(RoomEvent.Message message, String dedupKey) {
        CompletableFuture<Appended> done = new CompletableFuture<>();
        Pending pending = new Pending(message, dedupKey, done);
        if (!running) {
            done.completeExceptionally(new StreamUnavailableException("the room store is shutting down"));
        } else if (queuedBytes.addAndGet(pending.cost()) > QUEUE_BYTES || !queue.offer(pending)) {
            queuedBytes.addAndGet(-pending.cost());
            done.completeExceptionally(new StreamUnavailableException("the room store is behind; try again"));
        }
        return done;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(BATCH);
        long lastWriteEnd = System.nanoTime() - lingerNanos;
        while (running) {
            try {
                Pending first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                lingerIfBusy(first, lastWriteEnd);
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                writing = List.copyOf(batch);
                write(batch);
                writing = List.of();
                lastWriteEnd = System.nanoTime();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new StreamUnavailableException("the room store is shutting down"));
        }
    }

    /**
     * Waits until {@link #lingerNanos} after {@code first} arrived when it came while the last
     * transaction ran or soon after it (publishes arriving back to back) and fewer than
     * {@link #LINGER_BELOW} are waiting; parked, not polling the queue, so that the publishes arriving
     * meanwhile wake nobody.
     */
    private void lingerIfBusy(Pending first, long lastWriteEnd) {
        if (first.queuedAt() - lastWriteEnd < lingerNanos && queue.size() + 1 < LINGER_BELOW) {
            long wait = first.queuedAt() + lingerNanos - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
            }
        }
    }

    /**
     * Refuses every publish that has waited {@link #ANSWER_WITHIN_NANOS} for its commit, whether its
     * transaction runs (the database does not answer) or it still waits for one. Oldest first: both the
     * batch and the queue are in arrival order, so the look stops at the first one in time.
     */
    void refuseOverdue() {
        long now = System.nanoTime();
        if (refuseOverdue(writing, now)) {
            refuseOverdue(queue, now);
        }
    }

    /** Whether every one of them was overdue (so the ones after them may be too). */
    private static boolean refuseOverdue(Iterable<Pending> pendings, long now) {
        for (Pending pending : pendings) {
            if (now - pending.queuedAt() < ANSWER_WITHIN_NANOS) {
                return false;
            }
            pending.done().completeExceptionally(
                    new StreamUnavailableException("the room store did not answer in time; try again"));
        }
        return true;
    }

    private void write(List<Pending> batch) {
        try {
            commit(batch);
        } finally {
            queuedBytes.addAndGet(-batch.stream().mapToLong(Pending::cost).sum());
        }
    }

    private void commit(List<Pending> batch) {
        List<Appended> results;
        try (Connection connection = database.connection()) {
            // One statement commits by itself (auto-commit): one round trip for the whole batch.
            results = transaction.oneStatement(batch) && connection.getAutoCommit()
                    ? transaction.write(connection, batch)
                    : Database.inTransaction(connection, () -> transaction.write(connection, batch));
        } catch (SQLException | RuntimeException e) {
            availability.failed(e);
            LOG.log(Level.WARNING, "a transaction of {0} publish(es) failed; none is acknowledged: {1}", batch.size(),
                    e.toString());
            StreamUnavailableException refused = Availability.refusal();
            answer(batch, (p, i) -> p.done().completeExceptionally(refused));
            return;
        }
        availability.succeeded();
        answer(batch, (p, i) -> p.done().complete(results.get(i)));
    }

    /** Answers each publish of the batch on its room's lane, in batch (commit) order within each lane. */
    private void answer(List<Pending> batch, ObjIntConsumer<Pending> how) {
        int lanes = completions.size();
        List<List<Runnable>> byLane = new ArrayList<>(lanes);
        for (int l = 0; l < lanes; l++) {
            byLane.add(new ArrayList<>());
        }
        for (int i = 0; i < batch.size(); i++) {
            Pending pending = batch.get(i);
            int index = i;
            byLane.get(Math.floorMod(pending.message().room(), lanes)).add(() -> how.accept(pending, index));
        }
        for (int l = 0; l < lanes; l++) {
            List<Runnable> answers = byLane.get(l);
            if (!answers.isEmpty()) {
                completions.get(l).execute(() -> answers.forEach(Runnable::run));
            }
        }
    }

    @Override
    public void close() {
        running = false;
        watch.cancel(false);
        writer.cancel(true);
    }

    /** One batch's statements, in one transaction (the caller commits). */
    interface Transaction {
        /** The outcome of each publish of the batch, in the batch's order. */
        List<Appended> write(Connection connection, List<Pending> batch) throws SQLException;

        /** Whether {@link #write} runs one statement for this batch, which then needs no transaction of its own. */
        default boolean oneStatement(List<Pending> batch) {
            return false;
        }
    }
}
