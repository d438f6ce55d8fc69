package io.roomcast.cluster;

import java.util.Base64;

/**
 * What a notification of the {@link PostgresBus} carries. On {@value PostgresBus#BUS_CHANNEL}: a sealed
 * bus event itself ({@code E} and its bytes in base64), or, for an event too large for a NOTIFY payload
 * (PostgreSQL refuses one of 8,000 bytes or more), the id of the {@code roomcast_bus_event} row holding it
 * ({@code T} and the id). On the rooms' channel: "room R has offsets up to N, committed by instance I"
 * ({@code R:N:I}), which the durable store's commits send. The instance lets the one that committed skip
 * its own notices: it delivers what it committed itself, in commit order, so a catch-up read there would
 * only read again what it is delivering (see {@link PostgresBus}).
 */
sealed interface BusNotice {

    /** The longest payload this bus sends: PostgreSQL takes payloads shorter than 8,000 bytes. */
    int MAX_PAYLOAD = 7_999;

    /** The event's sealed bytes, carried in the notification. */
    record Inline(byte[] event) implements BusNotice {
    }

    /** The id of the row that holds the event. */
    record Stored(long id) implements BusNotice {
    }

    /** A room's stream has offsets up to {@code latest}, committed by the instance {@code origin} ("" when unnamed). */
    record StreamAdvanced(int room, long latest, String origin) implements BusNotice {
    }

    /** The payload that carries the event, or null when it would be too long: the event then goes to the table. */
    static String inline(byte[] event) {
        long chars = 1 + 4L * ((event.length + 2) / 3);
        return chars > MAX_PAYLOAD ? null : "E" + Base64.getEncoder().encodeToString(event);
    }

    /** The payload that points at a stored event. */
    static String stored(long id) {
        return "T" + id;
    }

    /**
     * Reads a payload of the bus's channel.
     *
     * @throws IllegalArgumentException when it is neither kind
     */
    static BusNotice event(String payload) {
        if (payload == null || payload.isEmpty()) {
            throw new IllegalArgumentException("an empty bus notification");
        }
        String rest = payload.substring(1);
        return switch (payload.charAt(0)) {
            case 'E' -> new Inline(Base64.getDecoder().decode(rest));
            case 'T' -> new Stored(parseLong(rest));
            default -> throw new IllegalArgumentException("a bus notification of unknown kind " + payload.charAt(0));
        };
    }

    /**
     * Reads a payload of the rooms' channel, {@code R:N:I} (or {@code R:N}, naming no instance), as the
     * durable store's writer makes it ({@code StreamWrites}).
     *
     * @throws IllegalArgumentException when it is not one
     */
    static StreamAdvanced stream(String payload) {
        int colon = payload == null ? -1 : payload.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("a room notification that is not R:N:I");
        }
        int second = payload.indexOf(':', colon + 1);
        int end = second < 0 ? payload.length() : second;
        try {
            return new StreamAdvanced(Integer.parseInt(payload, 0, colon, 10),
                    Long.parseLong(payload, colon + 1, end, 10), second < 0 ? "" : payload.substring(second + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a room notification that is not R:N:I", e);
        }
    }

    private static long parseLong(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number in a bus notification", e);
        }
    }
}
