package io.roomcast.stream;

import java.security.SecureRandom;

/**
 * New epochs: 64 random bits in base 36 (at most 13 characters, well within the protocol's 32). Random
 * rather than counted, so that a restarted instance, or another member of a cluster, never hands out
 * an epoch a client may still hold.
 */
public final class Epochs {

    private final SecureRandom random = new SecureRandom();

    public String next() {
        return Long.toUnsignedString(random.nextLong(), 36);
    }
}
