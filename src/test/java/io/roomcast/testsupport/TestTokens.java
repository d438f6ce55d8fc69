package io.roomcast.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;

/** Tokens for tests, signed with the secret the test deployments are configured with. */
public final class TestTokens {

    public static final String SECRET = "integration-test-secret-0123456789abcdef";
    public static final String ISSUER = "https://issuer.roomcast.test";
    public static final String AUDIENCE = "roomcast";

    private TestTokens() {
    }

    /** A valid HS256 token for the user, good for an hour. */
    public static String valid(String user) {
        return hs256(claims(user, Duration.ofHours(1)).build());
    }

    /** A valid HS256 token that allows only the given rooms. */
    public static String forRooms(String user, List<Integer> rooms) {
        return hs256(claims(user, Duration.ofHours(1)).claim("rooms", rooms).build());
    }

    /** A valid HS256 token that lets its bearer bind the given client ids on {@code /ws/secure} (PROTOCOL 11). */
    public static String forClients(String user, List<Integer> clients) {
        return hs256(claims(user, Duration.ofHours(1)).claim("clients", clients).build());
    }

    /** A valid HS256 token with the admin claim ({@code "roomcast_admin": true}): the admin page's. */
    public static String admin(String user) {
        return hs256(claims(user, Duration.ofHours(1)).claim("roomcast_admin", true).build());
    }

    /** A token whose claims the caller adjusts. */
    public static String with(String user, UnaryOperator<JWTClaimsSet.Builder> adjust) {
        return hs256(adjust.apply(claims(user, Duration.ofHours(1))).build());
    }

    public static JWTClaimsSet.Builder claims(String user, Duration lifetime) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(user).issuer(ISSUER).audience(AUDIENCE).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)));
    }

    public static String hs256(JWTClaimsSet claims) {
        return sign(new JWSHeader(JWSAlgorithm.HS256), claims, SECRET.getBytes(StandardCharsets.UTF_8));
    }

    public static String sign(JWSHeader header, JWTClaimsSet claims, byte[] secret) {
        try {
            return sign(header, claims, new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
