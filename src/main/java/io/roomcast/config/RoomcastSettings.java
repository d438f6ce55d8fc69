package io.roomcast.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every {@code roomcast.*} setting, parsed once and validated, so that the rest of the code never
 * reads raw configuration strings.
 */
public record RoomcastSettings(
        boolean devMode,
        boolean anonymousAllowed,
        Duration heartbeatInterval,
        Duration heartbeatTimeout,
        int maxTextBytes,
        int maxBinaryBytes,
        double ratePerSecond,
        int rateBurst,
        int connectionsPerAddress,
        int connectionsPerUser,
        int sendQueue,
        int sendQueueBytes,
        int roomsPerConnection,
        int roomsTotal,
        List<String> allowedOrigins,
        List<String> trustedProxies,
        ProxyHeader proxyHeader,
        Optional<String> jwtSecret,
        Optional<String> jwtPublicKey,
        Optional<String> jwtJwks,
        Duration jwtJwksRefresh,
        Optional<String> jwtIssuer,
        Optional<String> jwtAudience,
        Duration jwtClockSkew,
        int historySize,
        Duration historyTtl,
        long historyMaxBytes,
        int historyAnswerBytes,
        boolean historyAnonymous,
        double userRatePerSecond,
        int userRateBurst,
        double handshakeRatePerSecond,
        int handshakeBurst,
        int roomsPerUser,
        Optional<String> clusterSecret,
        Duration shutdownGrace,
        int clusterSize) {

    /** The shortest {@code roomcast.cluster.secret} accepted (PROTOCOL 13.10). */
    public static final int MIN_CLUSTER_SECRET_BYTES = 32;

    /** Whether this instance may share rooms with other instances (PROTOCOL 13.10). */
    public boolean clusteringEnabled() {
        return clusterSecret.isPresent();
    }

    /**
     * How many instances of the cluster (sharing its secret) must be reachable, this one included, for
     * this instance to publish and read rooms' streams: a majority of {@code roomcast.cluster.size}
     * (PROTOCOL 13.10). 1 without clustering.
     */
    public int clusterQuorum() {
        return clusteringEnabled() ? clusterSize / 2 + 1 : 1;
    }

    /** The header a trusted proxy writes with the client's address ({@code roomcast.proxy.header}). */
    public enum ProxyHeader {
        X_FORWARDED_FOR("X-Forwarded-For"), FORWARDED("Forwarded");

        private final String headerName;

        ProxyHeader(String headerName) {
            this.headerName = headerName;
        }

        public String headerName() {
            return headerName;
        }

        static ProxyHeader parse(String value) {
            return switch (value.toLowerCase(java.util.Locale.ROOT)) {
                case "x-forwarded-for" -> X_FORWARDED_FOR;
                case "forwarded" -> FORWARDED;
                default -> null;
            };
        }
    }

    /** The HTTP publish body bound (PROTOCOL 12): the largest text plus room for the JSON around it. */
    public int maxPublishBodyBytes() {
        return maxTextBytes + 1024;
    }

    public static final String PREFIX = "roomcast.";

    /**
     * Parses the settings from a lookup of raw values by key (MicroProfile Config in production, a
     * map in tests).
     *
     * @throws IllegalArgumentException naming the key when a value is malformed or out of range
     */
    public static RoomcastSettings from(Function<String, Optional<String>> lookup) {
        Reader r = new Reader(lookup);
        Duration interval = Duration.ofSeconds(r.positiveInt("heartbeat.interval", 30));
        Duration timeout = Duration.ofSeconds(r.positiveInt("heartbeat.timeout", 75));
        if (timeout.compareTo(interval) <= 0) {
            throw new IllegalArgumentException(PREFIX + "heartbeat.timeout (" + timeout.toSeconds()
                    + ") must be longer than " + PREFIX + "heartbeat.interval (" + interval.toSeconds() + ")");
        }
        return new RoomcastSettings(
                r.bool("dev-mode", false),
                r.bool("auth.anonymous", true),
                interval,
                timeout,
                r.positiveInt("limits.max-text", 65536),
                r.positiveInt("limits.max-binary", 1048576),
                r.positiveDouble("limits.rate", 20),
                r.positiveInt("limits.burst", 40),
                r.positiveInt("limits.connections-per-address", 1000),
                r.positiveInt("limits.connections-per-user", 100),
                r.positiveInt("limits.send-queue", 1024),
                r.positiveInt("limits.send-queue-bytes", 4_194_304),
                r.positiveInt("limits.rooms-per-connection", 100),
                r.positiveInt("limits.rooms", 100_000),
                r.list("origins"),
                r.list("proxy.trusted"),
                r.proxyHeader("proxy.header"),
                r.text("jwt.secret"),
                r.text("jwt.public-key"),
                r.text("jwt.jwks"),
                Duration.ofSeconds(r.positiveInt("jwt.jwks-refresh", 300)),
                r.text("jwt.issuer"),
                r.text("jwt.audience"),
                Duration.ofSeconds(r.nonNegativeInt("jwt.clock-skew", 30)),
                r.nonNegativeInt("history.size", 1000),
                Duration.ofSeconds(r.positiveInt("history.ttl", 300)),
                r.positiveLong("history.max-bytes", 268_435_456L),
                r.positiveInt("history.answer-bytes", 1_048_576),
                r.bool("history.anonymous", false),
                r.positiveDouble("limits.user-rate", 100),
                r.positiveInt("limits.user-burst", 200),
                r.positiveDouble("limits.handshake-rate", 20),
                r.positiveInt("limits.handshake-burst", 100),
                r.positiveInt("limits.rooms-per-user", 1000),
                r.secret("cluster.secret", MIN_CLUSTER_SECRET_BYTES),
                Duration.ofSeconds(r.nonNegativeInt("shutdown.grace", 5)),
                r.clusterSize());
    }

    private record Reader(Function<String, Optional<String>> lookup) {

        Optional<String> text(String key) {
            return lookup.apply(PREFIX + key).map(String::trim).filter(v -> !v.isEmpty());
        }

        boolean bool(String key, boolean fallback) {
            return text(key).map(v -> switch (v.toLowerCase()) {
                case "true" -> true;
                case "false" -> false;
                default -> throw invalid(key, v, "true or false");
            }).orElse(fallback);
        }

        int positiveInt(String key, int fallback) {
            int value = integer(key, fallback);
            if (value <= 0) {
                throw invalid(key, String.valueOf(value), "a positive integer");
            }
            return value;
        }

        int nonNegativeInt(String key, int fallback) {
            int value = integer(key, fallback);
            if (value < 0) {
                throw invalid(key, String.valueOf(value), "zero or a positive integer");
            }
            return value;
        }

        private int integer(String key, int fallback) {
            return text(key).map(v -> {
                try {
                    return Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw invalid(key, v, "an integer");
                }
            }).orElse(fallback);
        }

        long positiveLong(String key, long fallback) {
            long value = text(key).map(v -> {
                try {
                    return Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw invalid(key, v, "an integer");
                }
            }).orElse(fallback);
            if (value <= 0) {
                throw invalid(key, String.valueOf(value), "a positive integer");
            }
            return value;
        }

        double positiveDouble(String key, double fallback) {
            double value = text(key).map(v -> {
                try {
                    return Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw invalid(key, v, "a number");
                }
            }).orElse(fallback);
            if (!(value > 0) || Double.isInfinite(value)) {
                throw invalid(key, String.valueOf(value), "a positive number");
            }
            return value;
        }

        ProxyHeader proxyHeader(String key) {
            return text(key).map(v -> {
                ProxyHeader header = ProxyHeader.parse(v);
                if (header == null) {
                    throw invalid(key, v, "x-forwarded-for or forwarded");
                }
                return header;
            }).orElse(ProxyHeader.X_FORWARDED_FOR);
        }

        Optional<String> secret(String key, int minBytes) {
            Optional<String> value = text(key);
            value.ifPresent(v -> {
                if (v.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < minBytes) {
                    // never echo a secret, not even a short one
                    throw new IllegalArgumentException(PREFIX + key + " is too short, expected at least "
                            + minBytes + " bytes");
                }
            });
            return value;
        }

        /**
         * {@code roomcast.cluster.size}: required with a cluster secret, since a majority of an unknown
         * number cannot be told (PROTOCOL 13.10); 0 without one.
         */
        int clusterSize() {
            int size = nonNegativeInt("cluster.size", 0);
            boolean secret = text("cluster.secret").isPresent();
            if (secret && size == 0) {
                throw new IllegalArgumentException(PREFIX + "cluster.size is required with " + PREFIX
                        + "cluster.secret: the number of instances the cluster is meant to have (a publish "
                        + "needs a majority of them)");
            }
            return secret ? size : 0;
        }

        List<String> list(String key) {
            return text(key).map(v -> Arrays.stream(v.split(","))
                    .map(String::trim).filter(s -> !s.isEmpty()).toList()).orElse(List.of());
        }

        private static IllegalArgumentException invalid(String key, String value, String expected) {
            return new IllegalArgumentException(PREFIX + key + " is '" + value + "', expected " + expected);
        }
    }
}
