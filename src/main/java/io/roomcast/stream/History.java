package io.roomcast.stream;

import io.roomcast.room.event.RoomEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * A history answer (PROTOCOL 9.2, 13.1, 13.3): the oldest {@code limit} kept messages after
 * {@code since}, or the newest {@code limit} without it (or when its epoch differs), as many of them
 * as the answer's byte budget holds, and whether anything that belonged in the answer is missing.
 *
 * <p>The stream's head is read first (its epoch and latest offset are the answer's), then the
 * messages, forwards, in reads no larger than the budget can still take: a large limit of large
 * messages never brings more into memory than the answer will hold. Only messages up to that latest
 * offset belong to the answer. A room without a stream answers no epoch and nothing, complete; the read
 * creates nothing.
 */
public record History(String epoch, long latest, List<RoomEvent.Message> messages, boolean complete) {

    public History {
        messages = List.copyOf(messages);
    }

    /** No stream (or streams off): no epoch, latest 0, nothing, complete. */
    public static History none() {
        return new History(null, 0, List.of(), true);
    }

    /** Reads the answer from the store: the head, then forward reads until the limit, the budget or the latest offset. */
    public static History of(StreamStore store, int room, StreamPosition since, int limit, AnswerBudget budget) {
        if (!store.enabled()) {
            return none();
        }
        Slice head = store.head(room);
        if (!head.exists()) {
            return none();
        }
        String epoch = head.epoch();
        long latest = head.latest();
        long oldest = head.oldest();
        long after;
        boolean complete;
        if (since == null) {
            after = Math.max(oldest - 1, latest - limit); // the newest limit kept
            complete = after <= oldest - 1;
        } else if (!since.epoch().equals(epoch)) {
            after = oldest - 1; // the oldest limit kept
            complete = false;
        } else {
            after = Math.max(since.offset(), oldest - 1);
            boolean droppedBetween = since.offset() < oldest - 1 && since.offset() < latest;
            complete = !droppedBetween && latest - after <= limit;
        }
        budget.position(epoch, latest);
        long wanted = Math.max(0, Math.min(limit, latest - after));
        List<RoomEvent.Message> taken = new ArrayList<>();
        long cursor = after;
        while (taken.size() < wanted) {
            Slice read = store.read(room, cursor, budget.batch((int) (wanted - taken.size())), false);
            if (!epoch.equals(read.epoch()) || read.messages().isEmpty()) {
                return new History(epoch, latest, taken, false); // replaced or dropped while we read
            }
            for (RoomEvent.Message message : read.messages()) {
                if (message.offset() > latest || taken.size() >= wanted) {
                    return new History(epoch, latest, taken, complete);
                }
                if (message.offset() != cursor + 1) {
                    complete = false; // dropped while we read (expired, or evicted by the byte bound)
                }
                if (!budget.take(message)) {
                    return new History(epoch, latest, taken, false);
                }
                taken.add(message);
                cursor = message.offset();
            }
        }
        return new History(epoch, latest, taken, complete);
    }
}
