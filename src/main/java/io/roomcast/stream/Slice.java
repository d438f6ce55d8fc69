package io.roomcast.stream;

import io.roomcast.room.event.RoomEvent;
import java.util.List;

/**
 * A read of a room's stream: its epoch, its latest offset (0 while empty), the oldest offset it still
 * keeps ({@code latest + 1} when it keeps none), and the messages asked for, in offset order.
 * {@code more} says that a kept message the read would have returned was left out by its limit. A room
 * without a stream reads as {@link #none}: no epoch, nothing kept.
 */
public record Slice(String epoch, long latest, long oldest, List<RoomEvent.Message> messages, boolean more) {

    public Slice {
        messages = List.copyOf(messages);
    }

    /** Streams are off: no epoch, no offsets, nothing kept. */
    public static Slice disabled() {
        return new Slice(null, 0, 1, List.of(), false);
    }

    /** The room has no stream (PROTOCOL 13.3): no epoch, latest 0, nothing kept; reading it created none. */
    public static Slice none() {
        return new Slice(null, 0, 1, List.of(), false);
    }

    /** Whether the room has a stream (false for {@link #none} and {@link #disabled}). */
    public boolean exists() {
        return epoch != null;
    }
}
