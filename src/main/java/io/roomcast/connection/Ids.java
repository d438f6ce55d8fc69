package io.roomcast.connection;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Connection ids, message ids and guest names. Ids carry a random instance prefix so that they stay
 * unique when several instances share rooms; guest numbers only need to be unique among live
 * connections, which a counter that never repeats guarantees on one server. In a cluster the bus
 * supplies cluster-wide unique numbers instead (bigger ones: see docs/CLUSTER.md).
 */
@ApplicationScoped
public class Ids {

    /** Every guest name starts with this; no token may name a user so (PROTOCOL 3, docs section 8). */
    public static final String GUEST_PREFIX = "guest-";

    private final String instance = Long.toString(new SecureRandom().nextLong() >>> 24, 36);
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong guests = new AtomicLong();
    private final AtomicLong reservations = new AtomicLong();
    /** Cluster-wide guest numbers, or a non-positive number when this instance is alone. */
    private volatile LongSupplier clusterGuests = () -> 0;

    public String instance() {
        return instance;
    }

    public String connectionId() {
        return "c-" + instance + "-" + Long.toString(connections.incrementAndGet(), 36);
    }

    public String messageId() {
        return "m-" + instance + "-" + Long.toString(messages.incrementAndGet(), 36);
    }

    public String reservationId() {
        return "r-" + Long.toString(reservations.incrementAndGet(), 36);
    }

    public String guestName() {
        long clusterWide = clusterGuests.getAsLong();
        return GUEST_PREFIX + (clusterWide > 0 ? clusterWide : guests.incrementAndGet());
    }

    /** Whether a name looks like a guest's, ignoring case, so that no token can pass for a guest. */
    public static boolean isGuestName(String name) {
        return name.regionMatches(true, 0, GUEST_PREFIX, 0, GUEST_PREFIX.length());
    }

    /** Installed by the cluster bus when it starts. */
    public void clusterWideGuestNumbers(LongSupplier numbers) {
        this.clusterGuests = numbers;
    }
}
