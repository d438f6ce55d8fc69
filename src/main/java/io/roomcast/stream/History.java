package io.roomcast.stream;

import io.roomcast.room.RoomEvent;
import java.util.List;

/**
 * A history answer (PROTOCOL 9.2): the oldest {@code limit} kept messages after {@code since}, or the
 * newest {@code limit} without it (or when its epoch differs), and whether anything that belonged in
 * the answer is missing.
 */
public record History(String epoch, long latest, List<RoomEvent.Message> messages, boolean complete) {

    public History {
        messages = List.copyOf(messages);
    }

    /** Reads the answer from the store: one read, and a second only when {@code since} names another epoch. */
    public static History of(StreamStore store, int room, StreamPosition since, int limit) {
        if (!store.enabled()) {
            return new History(null, 0, List.of(), true);
        }
        if (since == null) {
            Slice newest = store.read(room, 0, limit, true);
            return new History(newest.epoch(), newest.latest(), newest.messages(), !newest.more());
        }
        Slice after = store.read(room, since.offset(), limit, false);
        if (!after.epoch().equals(since.epoch())) {
            Slice oldest = store.read(room, 0, limit, false);
            return new History(oldest.epoch(), oldest.latest(), oldest.messages(), false);
        }
        boolean droppedBetween = since.offset() < after.oldest() - 1 && since.offset() < after.latest();
        return new History(after.epoch(), after.latest(), after.messages(), !after.more() && !droppedBetween);
    }
}
