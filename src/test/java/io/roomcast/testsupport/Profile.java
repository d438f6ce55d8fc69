package io.roomcast.testsupport;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

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

    private final Map<String, String> own;

    Profile(Map<String, String> own) {
        this.own = own;
    }

    /** {@link #BASE} with this profile's keys over it. */
    public Map<String, String> settings() {
        Map<String, String> settings = new TreeMap<>(BASE);
        settings.putAll(own);
        return Map.copyOf(settings);
    }

    /** The profile's name as it appears in file names: {@code auth-required}. */
    public String slug() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
