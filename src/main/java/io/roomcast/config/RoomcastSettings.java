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
        List<String> allowedOrigins,
        List<String> trustedProxies,
        Optional<String> jwtSecret,
        Optional<String> jwtPublicKey,
        Optional<String> jwtIssuer,
        Optional<String> jwtAudience,
        Duration jwtClockSkew) {

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
                r.list("origins"),
                r.list("proxy.trusted"),
                r.text("jwt.secret"),
                r.text("jwt.public-key"),
                r.text("jwt.issuer"),
                r.text("jwt.audience"),
                Duration.ofSeconds(r.nonNegativeInt("jwt.clock-skew", 30)));
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

        List<String> list(String key) {
            return text(key).map(v -> Arrays.stream(v.split(","))
                    .map(String::trim).filter(s -> !s.isEmpty()).toList()).orElse(List.of());
        }

        private static IllegalArgumentException invalid(String key, String value, String expected) {
            return new IllegalArgumentException(PREFIX + key + " is '" + value + "', expected " + expected);
        }
    }
}
