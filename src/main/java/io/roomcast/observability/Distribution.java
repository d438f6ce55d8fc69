package io.roomcast.observability;

import java.math.BigDecimal;

/**
 * Roomcast's histograms ({@link Histogram}), named once for {@code GET /api/metrics}. Durations are
 * recorded in nanoseconds and written in seconds, the Prometheus base unit; counts as they are.
 */
enum Distribution {

    PUBLISH_ACK("roomcast_publish_ack_seconds",
            "From the receipt of a publish (a JSON message with a ref, or POST /api/rooms/{id}/messages) to its ack"
                    + " queued to the publisher or its 202 answered", Unit.NANOS_AS_SECONDS,
            micros(100), micros(250), micros(500), millis(1), micros(2_500), millis(5), millis(10), millis(25),
            millis(50), millis(100), millis(250), millis(500), millis(1_000), millis(2_500)),
    SEND_QUEUE_DEPTH("roomcast_send_queue_depth",
            "Frames in a connection's send queue right after one was queued (1: the queue was empty)", Unit.COUNT,
            1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096),
    HANDSHAKE("roomcast_handshake_seconds",
            "From the receipt of a WebSocket upgrade request to its decision (accepted or refused)",
            Unit.NANOS_AS_SECONDS, micros(250), micros(500), millis(1), micros(2_500), millis(5), millis(10),
            millis(25), millis(50), millis(100), millis(250), millis(500), millis(1_000), millis(2_500), millis(5_000)),
    RECOVERY("roomcast_recovery_messages",
            "Messages a recovered join with since replays (at once or paced)", Unit.COUNT,
            0, 1, 10, 50, 100, 500, 1_000, 5_000, 10_000, 50_000);

    enum Unit {
        COUNT(0), NANOS_AS_SECONDS(9);

        private final int scale;

        Unit(int scale) {
            this.scale = scale;
        }

        /** A recorded value in the exposition's unit, exact and without exponent: {@code 0.00025}, {@code 1}. */
        String format(long value) {
            return BigDecimal.valueOf(value, scale).stripTrailingZeros().toPlainString();
        }
    }

    final String metricName;
    final String help;
    final Unit unit;
    private final long[] bounds;

    Distribution(String metricName, String help, Unit unit, long... bounds) {
        this.metricName = metricName;
        this.help = help;
        this.unit = unit;
        this.bounds = bounds;
    }

    Histogram newHistogram() {
        return new Histogram(bounds);
    }

    private static long micros(long micros) {
        return micros * 1_000;
    }

    private static long millis(long millis) {
        return millis * 1_000_000;
    }
}
