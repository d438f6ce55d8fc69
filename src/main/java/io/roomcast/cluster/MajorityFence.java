package io.roomcast.cluster;

import io.roomcast.stream.StreamUnavailableException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Lets a stream operation count only while this instance is part of a majority of its cluster
 * (PROTOCOL 13.10, docs/CLUSTER.md "Quorum"). Around each operation:
 * <ol>
 * <li>before: this instance's view of the cluster must have at least the quorum's members, else the
 * operation is refused without being tried (the minority side of a partition, once it knows);</li>
 * <li>after: a round trip, started after the operation completed, in which at least quorum - 1 other
 * instances answer this instance's ping. An instance answers only while it still counts this one as a
 * member (a member removed by the others no longer receives their answers), and only an instance
 * holding the cluster's secret can seal an answer. So a member that was frozen past the heartbeat
 * timeout, and wakes up still believing it is in the cluster, hears no answer and acknowledges nothing:
 * what it stored meanwhile may be discarded when the cluster heals, and it is never handed out.</li>
 * <li>and this instance must still be the member it was before (a split-brain merge gives it a new
 * member id: what it did before the merge belonged to the side the merge discarded).</li>
 * </ol>
 * Pings are shared: operations that complete while a round is under way wait for the next round, whose
 * ping is sent after they completed, and each round serves every operation waiting for it (a group
 * commit), so the cost is one round trip per operation however many run at once.
 */
public final class MajorityFence {

    /** The fence of a single server, or of a cluster of size 1: it lets everything through. */
    static final MajorityFence ALONE = new MajorityFence(1, null, Duration.ZERO);

    /** What the fence needs from the cluster: Hazelcast's view and the bus in production. */
    interface Cluster {

        /** Members in this instance's view of its cluster, itself included. */
        int members();

        /** This instance's membership; another value once it was taken back into a cluster after a split. */
        String incarnation();

        /** Asks every other instance to answer with {@link #answered}; never blocks. */
        void ping(long nonce);
    }

    private static final Logger LOG = System.getLogger(MajorityFence.class.getName());
    /** What a refused client reads: nothing internal. */
    static final String REFUSAL = "this instance cannot reach a majority of its cluster: try again shortly";

    private static final class Round {
        final long nonce;
        /** The members that answered; under the fence's lock. */
        final Set<String> answers = new HashSet<>();
        final CompletableFuture<Boolean> outcome = new CompletableFuture<>();

        Round(long nonce) {
            this.nonce = nonce;
        }
    }

    private final int quorum;
    private final Cluster cluster;
    private final long waitNanos;
    private final AtomicLong nonces = new AtomicLong(ThreadLocalRandom.current().nextLong());
    /** Whether the last operation was refused: the log tells when refusing begins and ends, not each time. */
    private final AtomicBoolean refusing = new AtomicBoolean();
    private final Object lock = new Object();
    /** The round whose ping went out and whose answers are being counted; null when none. */
    private Round current;
    /** The round for operations that completed after {@link #current}'s ping: its ping is not sent yet. */
    private Round next;

    /**
     * @param quorum instances that must take part, this one included: a majority of
     *               {@code roomcast.cluster.size}
     * @param wait   how long a round may take before the operations waiting for it are refused
     */
    MajorityFence(int quorum, Cluster cluster, Duration wait) {
        this.quorum = quorum;
        this.cluster = cluster;
        this.waitNanos = wait.toNanos();
    }

    int quorum() {
        return quorum;
    }

    /** This instance's membership when an operation began, to be confirmed when it ended. */
    record Ticket(String what, String incarnation) {
    }

    /**
     * Runs the operation and returns its result only if this instance was part of a majority before and
     * after it (see the class).
     *
     * @throws StreamUnavailableException when it was not: before (the operation did not run) or after
     *         (it ran, and its result is withheld)
     */
    <T> T vouch(String what, Supplier<T> operation) {
        Ticket ticket = before(what);
        T result;
        try {
            result = operation.get();
        } catch (RuntimeException e) {
            throw failed(ticket, e);
        }
        after(ticket);
        return result;
    }

    /**
     * Step 1, before an operation: this instance sees at least the quorum's members.
     *
     * @throws StreamUnavailableException when it does not: the operation must not run
     */
    Ticket before(String what) {
        Ticket ticket = new Ticket(what, quorum <= 1 ? "" : incarnation());
        if (quorum > 1) {
            requireMembers(what, "before");
        }
        return ticket;
    }

    /**
     * Steps 2 and 3, once the operation completed: a majority answered a ping sent after now, and this
     * instance is still the member it was.
     *
     * @throws StreamUnavailableException when not: the operation's outcome must not be acknowledged or
     *         handed out
     */
    void after(Ticket ticket) {
        if (quorum <= 1) {
            return;
        }
        requireMembers(ticket.what(), "after"); // no round trip when the view already says no
        confirm(ticket.what());
        if (!ticket.incarnation().equals(incarnation())) {
            throw refused(ticket.what(), "this instance was taken back into its cluster meanwhile (a split-brain merge)");
        }
        requireMembers(ticket.what(), "after");
        if (refusing.compareAndSet(true, false)) {
            LOG.log(Level.INFO, "a majority of the cluster answers again: the streams of rooms are served again");
        }
    }

    /**
     * An operation failed. A partition or a merge makes Hazelcast's operations fail too: when this
     * instance is no longer part of a majority, that is the failure to tell ({@code unavailable}).
     */
    RuntimeException failed(Ticket ticket, RuntimeException failure) {
        if (quorum > 1 && (!ticket.incarnation().equals(incarnation()) || cluster.members() < quorum)) {
            return refused(ticket.what(), "failed while the cluster lost its majority: " + failure);
        }
        return failure;
    }

    /** An answer to one of our pings, from a member of the cluster (by its member id). */
    void answered(long nonce, String member) {
        Round done;
        Round started;
        synchronized (lock) {
            if (current == null || current.nonce != nonce) {
                return; // a late answer to a round that ended
            }
            current.answers.add(member);
            if (current.answers.size() < quorum - 1) {
                return;
            }
            done = current;
            started = advance();
        }
        done.outcome.complete(true);
        start(started);
    }

    private void requireMembers(String what, String when) {
        int members = cluster.members();
        if (members < quorum) {
            throw refused(what, when + ": " + members + " member(s) in view, " + quorum + " needed");
        }
    }

    /** Waits for a round whose ping is sent after now, and for enough answers to it. */
    private void confirm(String what) {
        Round round;
        boolean first;
        synchronized (lock) {
            first = current == null;
            if (first) {
                current = new Round(nonces.incrementAndGet());
                round = current;
            } else {
                if (next == null) {
                    next = new Round(nonces.incrementAndGet());
                }
                round = next;
            }
        }
        if (first) {
            start(round);
        }
        boolean confirmed;
        try {
            confirmed = round.outcome.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            giveUp(round);
            confirmed = false;
        } catch (ExecutionException e) {
            confirmed = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            giveUp(round);
            confirmed = false;
        }
        if (!confirmed) {
            throw refused(what, "fewer than " + (quorum - 1) + " other instance(s) answered within "
                    + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms");
        }
    }

    /**
     * A waiter timed out. Its round, or the round before it that never ended, fails; the next round
     * starts, so that operations still waiting get their own chance.
     */
    private void giveUp(Round round) {
        Round failed;
        Round started;
        synchronized (lock) {
            if (round != current && round != next) {
                return; // it ended meanwhile
            }
            failed = current;
            started = advance();
        }
        failed.outcome.complete(false);
        start(started);
    }

    /** Under the lock: the next round becomes the current one; returned for its ping to be sent. */
    private Round advance() {
        current = next;
        next = null;
        return current;
    }

    /** Sends a round's ping, outside the lock; a ping that cannot be sent fails its round. */
    private void start(Round round) {
        if (round == null) {
            return;
        }
        try {
            cluster.ping(round.nonce);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "quorum ping failed: {0}", e.toString());
            giveUp(round);
        }
    }

    private String incarnation() {
        try {
            return cluster.incarnation();
        } catch (RuntimeException e) {
            return "unknown: " + e; // the node is restarting (a merge): not the member it was
        }
    }

    private StreamUnavailableException refused(String what, String why) {
        if (refusing.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "no majority of the cluster ({0} instance(s) needed, this one included): "
                    + "publishes and reads of rooms'' streams are refused with ''unavailable'' until it answers "
                    + "again; first refused: {1}, {2}", quorum, what, why);
        } else {
            LOG.log(Level.DEBUG, "{0} refused: {1}", what, why);
        }
        return new StreamUnavailableException(REFUSAL);
    }
}
