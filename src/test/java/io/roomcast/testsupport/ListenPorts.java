package io.roomcast.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the servers whose ports follow a fixed layout from one base (a Payara Server domain's
 * {@code --portbase}, WildFly's {@code port-offset}). All below the kernel's ephemeral range (32768 and
 * up on Linux), so that no client socket of the tests is given one of them as its local port between
 * the check and the server's bind, and each handed out once per test JVM, so that two servers starting
 * side by side never get the same one. (A CI run hung in a Payara Server {@code start-domain} whose
 * admin port had been taken in that window.) One JVM-wide record, as the ports are the machine's.
 */
final class ListenPorts {

    /** The highest port handed out: below Linux's default ephemeral range (32768-60999). */
    static final int HIGHEST = 32_000;
    private static final int LOWEST = 10_000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private ListenPorts() {
    }

    /**
     * A base, a multiple of {@code step} with {@code base + offset} in 10000-32000 for every offset,
     * whose ports are all free on every interface right now and were never handed out; they are
     * handed out from now on.
     */
    static synchronized int reserve(int step, int... offsets) {
        int lowestOffset = Integer.MAX_VALUE;
        int highestOffset = Integer.MIN_VALUE;
        for (int offset : offsets) {
            lowestOffset = Math.min(lowestOffset, offset);
            highestOffset = Math.max(highestOffset, offset);
        }
        int first = Math.floorDiv(LOWEST - lowestOffset + step - 1, step);
        int last = Math.floorDiv(HIGHEST - highestOffset, step);
        for (int attempt = 0; attempt < 500; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(first, last + 1) * step;
            if (usable(base, offsets)) {
                for (int offset : offsets) {
                    HANDED_OUT.add(base + offset);
                }
                return base;
            }
        }
        throw new IllegalStateException("no free ports between " + LOWEST + " and " + HIGHEST);
    }

    private static boolean usable(int base, int[] offsets) {
        for (int offset : offsets) {
            if (HANDED_OUT.contains(base + offset) || !free(base + offset)) {
                return false;
            }
        }
        return true;
    }

    private static boolean free(int port) {
        try (ServerSocket probe = new ServerSocket(port)) { // every interface: some servers listen on all
            probe.setReuseAddress(true);
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
