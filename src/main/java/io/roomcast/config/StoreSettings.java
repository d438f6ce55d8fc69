package io.roomcast.config;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code roomcast.store*} settings (PROTOCOL 14): where rooms' streams live. {@code memory} (the
 * default) keeps them in the JVM, or in Payara's Hazelcast in a cluster; {@code postgres} keeps them in
 * PostgreSQL, reached through a JDBC URL and credentials or through a DataSource the server manages.
 */
public record StoreSettings(Kind kind, Optional<String> url, Optional<String> user, Optional<String> password,
                            Optional<String> datasource, Duration lease, Duration batchWait) {

    public enum Kind { MEMORY, POSTGRES }

    private static final String PREFIX = "roomcast.store";
    /**
     * How long, at most, the postgres writer waits after a batch's first publish for company while
     * publishes arrive back to back: fewer, larger transactions for up to this much more latency
     * (docs/DURABILITY.md has the measured trade).
     */
    static final int BATCH_WAIT_DEFAULT_MILLIS = 2;
    static final int BATCH_WAIT_MAX_MILLIS = 100;

    public boolean durable() {
        return kind == Kind.POSTGRES;
    }

    /**
     * Parses the settings from a lookup of raw values by key.
     *
     * @throws IllegalArgumentException naming the key when a value is malformed, or when {@code postgres}
     *                                  has neither or both of a URL and a DataSource
     */
    public static StoreSettings from(Function<String, Optional<String>> lookup) {
        Function<String, Optional<String>> text = key -> lookup.apply(PREFIX + key).map(String::trim)
                .filter(v -> !v.isEmpty());
        Kind kind = text.apply("").map(v -> switch (v.toLowerCase()) {
            case "memory" -> Kind.MEMORY;
            case "postgres" -> Kind.POSTGRES;
            default -> throw new IllegalArgumentException(PREFIX + " has an invalid value '" + v
                    + "', expected memory or postgres");
        }).orElse(Kind.MEMORY);
        Optional<String> url = text.apply(".url");
        Optional<String> datasource = text.apply(".datasource");
        int lease = integer(text, ".lease", 15, 1, Integer.MAX_VALUE, "a positive integer");
        int batchWait = integer(text, ".batch-wait", BATCH_WAIT_DEFAULT_MILLIS, 0, BATCH_WAIT_MAX_MILLIS,
                "milliseconds from 0 to " + BATCH_WAIT_MAX_MILLIS);
        if (kind == Kind.POSTGRES) {
            if (url.isPresent() == datasource.isPresent()) {
                throw new IllegalArgumentException(PREFIX + "=postgres needs exactly one of " + PREFIX + ".url and "
                        + PREFIX + ".datasource");
            }
            url.filter(u -> !u.startsWith("jdbc:postgresql:")).ifPresent(u -> {
                throw new IllegalArgumentException(PREFIX + ".url must be a jdbc:postgresql: URL"); // never echo it: it may hold a password
            });
        }
        return new StoreSettings(kind, url, text.apply(".user"), lookup.apply(PREFIX + ".password"), datasource,
                Duration.ofSeconds(lease), Duration.ofMillis(batchWait));
    }

    private static int integer(Function<String, Optional<String>> text, String key, int fallback, int min, int max,
                               String expected) {
        return text.apply(key).map(v -> {
            try {
                int value = Integer.parseInt(v);
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // refused below, naming the key
            }
            throw new IllegalArgumentException(PREFIX + key + " has an invalid value '" + v + "', expected " + expected);
        }).orElse(fallback);
    }
}
