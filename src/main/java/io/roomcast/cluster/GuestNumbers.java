package io.roomcast.cluster;

/**
 * Guest numbers unique across the instances on one database: the sequence {@code roomcast_guest} hands
 * out blocks of {@link #BLOCK} (it counts up by that much), and the next block is fetched ahead, off the
 * handshake's thread, when the current one is half used. Without a block (the database is down, or a
 * burst used both) {@link #take} answers 0, and the instance names the guest from its own counter, below
 * the sequence's first number (migration V2).
 */
final class GuestNumbers {

    /** Numbers per block: {@code INCREMENT BY} of the sequence (migration V2). */
    static final int BLOCK = 64;

    private final Runnable fetch;
    private long next;
    private long end;
    /** The first number of the block fetched ahead; 0 for none. */
    private long ahead;
    private boolean fetching;

    /** @param fetch asks for a block, which arrives later through {@link #add}; must not block */
    GuestNumbers(Runnable fetch) {
        this.fetch = fetch;
    }

    /** The next number, or 0 when none is at hand. */
    long take() {
        boolean ask;
        long number;
        synchronized (this) {
            if (next >= end && ahead > 0) {
                next = ahead;
                end = ahead + BLOCK;
                ahead = 0;
            }
            number = next < end ? next++ : 0;
            ask = !fetching && ahead == 0 && end - next < BLOCK / 2;
            fetching |= ask;
        }
        if (ask) {
            fetch.run();
        }
        return number;
    }

    /** Whether a block should be fetched ahead now (at start, and after a fetch failed). */
    synchronized boolean wanted() {
        return !fetching && ahead == 0;
    }

    /** A block starting at that number (a {@code nextval}) arrived. */
    synchronized void add(long first) {
        fetching = false;
        if (next >= end) {
            next = first;
            end = first + BLOCK;
        } else {
            ahead = first;
        }
    }

    /** A fetch failed; the next upkeep tries again. */
    synchronized void failed() {
        fetching = false;
    }
}
