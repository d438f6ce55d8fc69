package io.roomcast.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which other instances on the database this one counts as alive (PROTOCOL 14), and which it has lost.
 * An instance counts from the moment its lease is seen in {@code roomcast_instance} or an event of it is
 * heard; it is lost when a read of the live leases no longer has it. Every survivor decides this for
 * itself from the table, so it does not matter which of them deleted the expired row.
 *
 * <p>An instance writes its lease before it publishes anything, but a read of the leases that began
 * before that write commits does not see it while its first event may already be here: absence from a
 * read counts only against an instance heard of before the read began.
 */
final class LeaseBook {

    private final String self;
    /** Instance -> when (nanos) it was first seen or heard of. */
    private final Map<String, Long> known = new HashMap<>();
    /**
     * Instances that said goodbye and whose lease row is still there: it stays until it runs out, so
     * that a read of the leases racing the goodbye on its way here cannot count them lost.
     */
    private final Set<String> gone = new HashSet<>();

    LeaseBook(String self) {
        this.self = self;
    }

    /** An event of the instance arrived at {@code now}; true when it was not counted yet. */
    synchronized boolean heard(String instance, long now) {
        return !instance.equals(self) && known.putIfAbsent(instance, now) == null;
    }

    /** The instance said goodbye: it is gone, not lost. */
    synchronized void departed(String instance) {
        known.remove(instance);
        gone.add(instance);
    }

    /**
     * The live leases as read by a query that began at {@code queriedAt}: returns the instances lost since
     * the last read, which are counted no more.
     */
    synchronized List<String> read(Set<String> live, long queriedAt) {
        gone.retainAll(live);
        for (String instance : live) {
            if (!instance.equals(self) && !gone.contains(instance)) {
                known.putIfAbsent(instance, queriedAt);
            }
        }
        List<String> lost = new ArrayList<>();
        known.forEach((instance, since) -> {
            if (!live.contains(instance) && since - queriedAt < 0) {
                lost.add(instance);
            }
        });
        lost.forEach(known::remove);
        lost.sort(null);
        return lost;
    }

    /** Whether another instance counts as alive. */
    synchronized boolean others() {
        return !known.isEmpty();
    }
}
