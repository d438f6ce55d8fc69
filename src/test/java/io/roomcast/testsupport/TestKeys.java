package io.roomcast.testsupport;

import io.roomcast.auth.TokenVerifierTest;
import java.security.KeyPair;

/**
 * Keys that a profile's settings name and that must therefore exist before its server boots: made once
 * per test JVM, on first use.
 */
public final class TestKeys {

    private TestKeys() {
    }

    /** The RSA key pair whose public half is {@code roomcast.jwt.public-key} where a profile sets it. */
    public static KeyPair rsa() {
        return Rsa.PAIR;
    }

    /** {@link #rsa()}'s public key as PEM, the form {@code roomcast.jwt.public-key} takes. */
    public static String rsaPublicPem() {
        return TokenVerifierTest.pem(rsa());
    }

    private static final class Rsa {
        static final KeyPair PAIR = TokenVerifierTest.generate("RSA", null);
    }
}
