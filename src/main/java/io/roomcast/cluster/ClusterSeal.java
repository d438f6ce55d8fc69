package io.roomcast.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals what Roomcast instances exchange through the data grid (PROTOCOL 13.10): every bus event, and
 * every message and idempotency entry kept in the cluster's streams. Hazelcast authenticates nobody, so
 * any process that joins the grid can publish on the bus and write into the maps; a seal is what tells
 * an instance's own kind from a stranger.
 *
 * <p>A seal is HMAC-SHA256, with a key derived from {@code roomcast.cluster.secret}, over a context
 * (what the bytes are, and for which room or key: a sealed message copied into another room's stream
 * does not open there) and the bytes; its 32 bytes follow the bytes. Opening compares in constant time.
 * The secret itself is never used as a key and never leaves this class; the {@link #namespace()} derived
 * from it names the cluster's structures, so that instances of different secrets on one grid never
 * share a stream.
 */
public final class ClusterSeal {

    /** The bytes a seal adds. */
    static final int TAG_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";

    /** Keyed with the sealing key; only ever cloned, never updated, so it is shared safely. */
    private final Mac keyed;
    private final String namespace;

    private ClusterSeal(Mac keyed, String namespace) {
        this.keyed = keyed;
        this.namespace = namespace;
    }

    /**
     * Derives the sealing key and the namespace from the secret (HKDF-style: a pseudo-random key from the
     * secret under a fixed salt, then one HMAC per purpose), so that neither reveals the other nor the secret.
     */
    public static ClusterSeal of(String secret) {
        byte[] root = hmac("roomcast cluster v1".getBytes(StandardCharsets.UTF_8),
                secret.getBytes(StandardCharsets.UTF_8));
        byte[] sealing = hmac(root, "seal\u0001".getBytes(StandardCharsets.UTF_8));
        byte[] naming = hmac(root, "namespace\u0001".getBytes(StandardCharsets.UTF_8));
        Arrays.fill(root, (byte) 0);
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(sealing, ALGORITHM));
            return new ClusterSeal(mac, HexFormat.of().formatHex(naming, 0, 8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        } finally {
            Arrays.fill(sealing, (byte) 0);
        }
    }

    /** 16 hex characters naming this cluster's structures in the grid; the same for every holder of the secret. */
    public String namespace() {
        return namespace;
    }

    /** The bytes followed by their seal for the context. */
    public byte[] seal(String context, byte[] bytes) {
        byte[] sealed = Arrays.copyOf(bytes, bytes.length + TAG_BYTES);
        byte[] tag = tag(context, bytes, bytes.length);
        System.arraycopy(tag, 0, sealed, bytes.length, TAG_BYTES);
        return sealed;
    }

    /**
     * The bytes a seal for the context vouches for, or null when it does not: shorter than a seal, sealed
     * for another context, with another key, or altered.
     */
    public byte[] open(String context, byte[] sealed) {
        if (sealed == null || sealed.length < TAG_BYTES) {
            return null;
        }
        int length = sealed.length - TAG_BYTES;
        byte[] expected = tag(context, sealed, length);
        byte[] carried = Arrays.copyOfRange(sealed, length, sealed.length);
        if (!MessageDigest.isEqual(expected, carried)) {
            return null;
        }
        return Arrays.copyOf(sealed, length);
    }

    /** HMAC over the context's length and bytes, then the first {@code length} bytes. */
    private byte[] tag(String context, byte[] bytes, int length) {
        byte[] name = context.getBytes(StandardCharsets.UTF_8);
        Mac mac = mac();
        mac.update(ByteBuffer.allocate(4).putInt(name.length).array());
        mac.update(name);
        mac.update(bytes, 0, length);
        return mac.doFinal();
    }

    private Mac mac() {
        try {
            return (Mac) keyed.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's HmacSHA256 can be cloned", e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Never the key or the secret. */
    @Override
    public String toString() {
        return "ClusterSeal[" + namespace + "]";
    }
}
