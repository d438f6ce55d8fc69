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
    QUIET(Parts.of(Parts.RARE_HEARTBEATS, Parts.OPEN_RATES, Map.of("roomcast.jwt.clock-skew", "0"))),

    // ---- profiles of api/, endpoint/, handshake/, web/, auth/, heartbeat/ (helper A adds here) ----

    /**
     * Credentials needed for everything, with a JWKS endpoint beside the secret ({@link JwksEndpoint},
     * refreshed every second; JwksIT rotates it) and history answers of at most 4,096 bytes
     * (HistoryApiIT); heartbeats every 30 s, rates and handshakes out of the way.
     */
    AUTH_JWKS(() -> Parts.of(Parts.RARE_HEARTBEATS, Parts.OPEN_RATES, Map.ofEntries(
            Map.entry("roomcast.auth.anonymous", "false"),
            Map.entry("roomcast.jwt.jwks", JwksEndpoint.url()),
            Map.entry("roomcast.jwt.jwks-refresh", "1"),
            Map.entry("roomcast.history.answer-bytes", "4096"),
            Map.entry("roomcast.limits.handshake-rate", "1000"), Map.entry("roomcast.limits.handshake-burst", "1000")))),

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

    /*
     * Each profile below serves one stream configuration that no other class can share (history off,
     * a TTL of 1 s, tiny history bounds, a small byte queue) or limits shared across connections (the
     * per-address and per-user buckets), with the classes whose own limits and traffic fit beside it.
     * Limits that no class of a profile tests are out of the way there (rates, handshakes).
     */

    /**
     * Streams off, {@code history.size=0} (StreamsOffIT), and a frame rate of 1 a second with a burst of
     * 10, per connection and per publisher (RateLimitIT; StreamsOffIT sends at most 5 frames a
     * connection and 5 publishes a user); heartbeats every 30 s.
     */
    STREAMS_OFF(Parts.of(Parts.RARE_HEARTBEATS, Parts.OPEN_HANDSHAKES, Map.of(
            "roomcast.history.size", "0",
            "roomcast.limits.rate", "1", "roomcast.limits.burst", "10",
            "roomcast.limits.user-rate", "100000", "roomcast.limits.user-burst", "100000"))),

    /**
     * History kept 1 s and HTTP history for guests (StreamExpiryIT); texts up to 100,000 bytes and
     * binary frames up to 200,000 (EncodeOnceIT's 64-bit lengths, FrameHeaderLimitIT's limits);
     * heartbeats every second (EncodeOnceIT reads them) with a 60 s timeout (FrameHeaderLimitIT's
     * refusals come long before it; raw sockets answer no ping); rates out of the way.
     */
    EXPIRING_HISTORY(Parts.of(Parts.OPEN_RATES, Parts.OPEN_HANDSHAKES, Map.of(
            "roomcast.history.ttl", "1", "roomcast.history.anonymous", "true",
            "roomcast.limits.max-text", "100000", "roomcast.limits.max-binary", "200000",
            "roomcast.heartbeat.interval", "1", "roomcast.heartbeat.timeout", "60"))),

    /**
     * Small bounds: 20 messages a room, 100,000 history bytes in all, 16 queued frames (StreamLimitsIT);
     * 2 rooms a connection, 3 rooms with members (RoomLimitsIT); a TTL of an hour, so that no stream is
     * dropped during a run (both classes count {@code roomcast_streams}); heartbeats every 30 s, rates
     * out of the way.
     */
    SMALL_BOUNDS(Parts.of(Parts.RARE_HEARTBEATS, Parts.OPEN_RATES, Parts.OPEN_HANDSHAKES, Map.of(
            "roomcast.history.size", "20", "roomcast.history.max-bytes", "100000",
            "roomcast.limits.send-queue", "16",
            "roomcast.limits.rooms-per-connection", "2", "roomcast.limits.rooms", "3",
            "roomcast.history.ttl", "3600"))),

    /**
     * A send queue of 262,144 bytes (16 frames of 16 KB: RoomStreamsIT's slow consumer; QueuedBytesIT),
     * the default 1,024 frames; a TTL of an hour, so that no stream is dropped during a run
     * (RoomStreamsIT counts {@code roomcast_streams}); heartbeats every 30 s, rates out of the way.
     */
    SMALL_QUEUE_BYTES(Parts.of(Parts.RARE_HEARTBEATS, Parts.OPEN_RATES, Parts.OPEN_HANDSHAKES, Map.of(
            "roomcast.limits.send-queue-bytes", "262144",
            "roomcast.history.ttl", "3600"))),

    /**
     * The limits that outlive a connection (CrossConnectionLimitsIT, alone: every client address and
     * user here gets at most 10 frames and 5 handshakes a run): loopback as a trusted proxy, a user's
     * frame burst of 10 and an address's handshake burst of 5, refilled one token per 100 s, 3 rooms a
     * user; heartbeats every 30 s.
     */
    CROSS_CONNECTION_LIMITS(Parts.of(Parts.RARE_HEARTBEATS, Map.of(
            "roomcast.proxy.trusted", "127.0.0.1",
            "roomcast.limits.user-rate", "0.01", "roomcast.limits.user-burst", "10",
            "roomcast.limits.handshake-rate", "0.01", "roomcast.limits.handshake-burst", "5",
            "roomcast.limits.rooms-per-user", "3"))),

    ; // every entry above ends with a comma, so that adding one never touches another's line

    /**
     * Groups of keys several profiles share, named after what they are for. A class apart from the enum
     * because an enum's constants are built before its own static fields.
     */
    private static final class Parts {

        /** Heartbeats every 30 s with a 75 s timeout: tests that read frame by frame see none interleaved. */
        static final Map<String, String> RARE_HEARTBEATS = Map.of(
                "roomcast.heartbeat.interval", "30", "roomcast.heartbeat.timeout", "75");
        /** Frame and publish rates, per connection and per user, out of the way of tests that do not test them. */
        static final Map<String, String> OPEN_RATES = Map.of(
                "roomcast.limits.rate", "100000", "roomcast.limits.burst", "100000",
                "roomcast.limits.user-rate", "100000", "roomcast.limits.user-burst", "100000");
        /** Handshakes per address out of the way. */
        static final Map<String, String> OPEN_HANDSHAKES = Map.of(
                "roomcast.limits.handshake-rate", "100000", "roomcast.limits.handshake-burst", "100000");

        /** The parts together; a key in two parts is a mistake (which would win?), refused. */
        @SafeVarargs
        static Map<String, String> of(Map<String, String>... parts) {
            Map<String, String> all = new TreeMap<>();
            for (Map<String, String> part : parts) {
                part.forEach((key, value) -> {
                    if (all.putIfAbsent(key, value) != null) {
                        throw new IllegalArgumentException(key + " is set by two parts of one profile");
                    }
                });
            }
            return Map.copyOf(all);
        }
    }

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
