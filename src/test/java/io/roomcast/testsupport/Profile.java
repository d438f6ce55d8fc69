package io.roomcast.testsupport;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The named settings the integration suite runs servers with: one server per profile and runtime,
 * shared by every class of that profile ({@link RoomcastServer}). Each profile is {@link #BASE} plus
 * its own keys; a class that needs other settings joins the profile that has them, or a new profile
 * is added here (every profile costs one boot per runtime).
 */
public enum Profile {

    /** The shipped defaults, with the test keys of {@link #BASE}. */
    DEFAULTS(Map.of()),

    /**
     * Frame-by-frame tests: heartbeats every 30 s (none interleaved), rates out of the way, no clock
     * skew (a token ends its connection at its exp).
     */
    QUIET(Map.of(
            "roomcast.heartbeat.interval", "30", "roomcast.heartbeat.timeout", "75",
            "roomcast.limits.rate", "100000", "roomcast.limits.burst", "100000",
            "roomcast.limits.user-rate", "100000", "roomcast.limits.user-burst", "100000",
            "roomcast.jwt.clock-skew", "0")),

    /** Credentials needed for everything: {@code roomcast.auth.anonymous=false}. */
    AUTH_REQUIRED(Map.of("roomcast.auth.anonymous", "false")),

    /** Development mode: the dev token endpoint, no production key. */
    DEV_MODE(Map.of("roomcast.dev-mode", "true", "roomcast.jwt.secret", "",
            "roomcast.jwt.issuer", "", "roomcast.jwt.audience", "")),

    // ---- profiles of api/, endpoint/, handshake/, web/, auth/, heartbeat/ (helper A adds here) ----

    /**
     * Credentials needed for everything, with a JWKS endpoint beside the secret ({@link JwksEndpoint},
     * refreshed every second; JwksIT rotates it) and history answers of at most 4,096 bytes
     * (HistoryApiIT); heartbeats every 30 s, rates and handshakes out of the way.
     */
    AUTH_JWKS(() -> Map.ofEntries(
            Map.entry("roomcast.auth.anonymous", "false"),
            Map.entry("roomcast.jwt.jwks", JwksEndpoint.url()),
            Map.entry("roomcast.jwt.jwks-refresh", "1"),
            Map.entry("roomcast.history.answer-bytes", "4096"),
            Map.entry("roomcast.heartbeat.interval", "30"), Map.entry("roomcast.heartbeat.timeout", "75"),
            Map.entry("roomcast.limits.rate", "100000"), Map.entry("roomcast.limits.burst", "100000"),
            Map.entry("roomcast.limits.user-rate", "100000"), Map.entry("roomcast.limits.user-burst", "100000"),
            Map.entry("roomcast.limits.handshake-rate", "1000"), Map.entry("roomcast.limits.handshake-burst", "1000"))),

    /**
     * The edges a client meets first: an RSA public key beside the secret ({@link TestKeys}), one allowed
     * origin, loopback as a trusted proxy writing X-Forwarded-For, at most 3 connections per address and
     * 2 per user (HandshakeIT), texts of at most 100 bytes and a burst of 5 that does not refill during a
     * run (HttpLimitsIT; one publish per user or connection elsewhere); handshakes out of the way
     * (ConcurrentHandshakeIT opens 120 at once).
     */
    EDGE_LIMITS(() -> Map.ofEntries(
            Map.entry("roomcast.jwt.public-key", TestKeys.rsaPublicPem()),
            Map.entry("roomcast.origins", "https://app.roomcast.test"),
            Map.entry("roomcast.proxy.trusted", "127.0.0.1"),
            Map.entry("roomcast.limits.connections-per-address", "3"),
            Map.entry("roomcast.limits.connections-per-user", "2"),
            Map.entry("roomcast.limits.max-text", "100"),
            Map.entry("roomcast.limits.rate", "0.001"), Map.entry("roomcast.limits.burst", "5"),
            Map.entry("roomcast.limits.handshake-rate", "1000"), Map.entry("roomcast.limits.handshake-burst", "1000"))),

    /**
     * {@link #DEV_MODE} behind a trusted proxy on loopback that writes RFC 7239 {@code Forwarded}
     * (ForwardedHeaderIT), with texts of 1 KiB and binary frames of 2 KiB (ChatEndpointIT), handshakes out
     * of the way (LivenessIT opens 200 at once); the classes here other than DevModeIT are anonymous.
     */
    DEV_MODE_FORWARDED(Map.ofEntries(
            Map.entry("roomcast.dev-mode", "true"), Map.entry("roomcast.jwt.secret", ""),
            Map.entry("roomcast.jwt.issuer", ""), Map.entry("roomcast.jwt.audience", ""),
            Map.entry("roomcast.proxy.trusted", "127.0.0.1"), Map.entry("roomcast.proxy.header", "forwarded"),
            Map.entry("roomcast.limits.max-text", "1024"), Map.entry("roomcast.limits.max-binary", "2048"),
            Map.entry("roomcast.limits.handshake-rate", "1000"), Map.entry("roomcast.limits.handshake-burst", "1000"))),

    // ---- profiles of connection/, room/, stream/ (helper B adds here) ----

    ; // every entry above ends with a comma, so that adding one never touches another's line

    /**
     * What every profile has: the test tokens' key, issuer and audience; heartbeats every second with a
     * 4 s timeout; no drain at shutdown (the pool stops its servers at the end of the run; ShutdownIT
     * tests the drain on servers of its own).
     */
    public static final Map<String, String> BASE = Map.of(
            "roomcast.jwt.secret", TestTokens.SECRET,
            "roomcast.jwt.issuer", TestTokens.ISSUER,
            "roomcast.jwt.audience", TestTokens.AUDIENCE,
            "roomcast.heartbeat.interval", "1",
            "roomcast.heartbeat.timeout", "4",
            "roomcast.shutdown.grace", "0");

    private final Supplier<Map<String, String>> own;

    Profile(Map<String, String> own) {
        this(() -> own);
    }

    /** A profile with a value known only at run time (a port, a key made by the test JVM), read at first use. */
    Profile(Supplier<Map<String, String>> own) {
        this.own = own;
    }

    /** {@link #BASE} with this profile's keys over it. */
    public Map<String, String> settings() {
        Map<String, String> settings = new TreeMap<>(BASE);
        settings.putAll(own.get());
        return Map.copyOf(settings);
    }

    /** The profile's name as it appears in file names: {@code auth-required}. */
    public String slug() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
