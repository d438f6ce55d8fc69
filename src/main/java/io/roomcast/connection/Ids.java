package io.roomcast.connection;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connection ids, message ids and guest names. Ids carry a random instance prefix so that they stay
 * unique when several instances share rooms; guest numbers only need to be unique among live
 * connections, which a counter that never repeats guarantees.
 */
@ApplicationScoped
public class Ids {

    private final String instance = Long.toString(new SecureRandom().nextLong() >>> 24, 36);
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong guests = new AtomicLong();
    private final AtomicLong reservations = new AtomicLong();

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
        return "guest-" + guests.incrementAndGet();
    }
}
