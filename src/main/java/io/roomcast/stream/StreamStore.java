package io.roomcast.stream;

import io.roomcast.room.event.RoomEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where rooms' streams are kept (PROTOCOL 9): in this instance's memory ({@link MemoryStreams}), or
 * held by a cluster with a backup (the cluster adapter's store). Every instance that receives a publish
 * appends it here first, so a message has its one epoch and offset before anybody delivers it.
 */
public interface StreamStore {

    /** False when {@code roomcast.history.size} is 0: messages get no offsets and nothing is kept. */
    boolean enabled();

    /**
     * Puts a message at the end of its room's stream and returns it placed; blocks until it is stored
     * (in a cluster: by the room's owner and one backup). With a {@code dedupKey} seen within the TTL,
     * stores nothing and returns the first publish's message as a duplicate. With streams off the
     * message comes back unplaced, still de-duplicated.
     */
    Appended append(RoomEvent.Message message, String dedupKey);

    /**
     * {@link #append} without blocking the caller: completes when the message is stored, or exceptionally
     * with {@link StreamUnavailableException}. For callers on a server's I/O thread (WildFly runs WebSocket
     * callbacks there), where a database round trip must not wait. A store that answers from memory
     * completes it at once, on the caller's thread.
     */
    default CompletionStage<Appended> appendAsync(RoomEvent.Message message, String dedupKey) {
        try {
            return CompletableFuture.completedFuture(append(message, dedupKey));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Reads kept messages with an offset above {@code after}: the oldest {@code limit} of them, or the
     * newest {@code limit} when {@code newest}. Creates nothing: a room without a stream reads as
     * {@link Slice#none()} (PROTOCOL 13.3).
     */
    Slice read(int room, long after, int limit, boolean newest);

    /** The stream's epoch, latest and oldest kept offsets, without messages; creates nothing either. */
    default Slice head(int room) {
        return read(room, Long.MAX_VALUE, 0, false);
    }

    /**
     * The stream's head, the stream (and its epoch) created first when the room has none: a successful
     * join starts a stream, as the first publish does (PROTOCOL 13.3). With streams off, {@link Slice#disabled()}.
     */
    Slice open(int room);

    /**
     * Whether the store can take publishes now: false while a durable store's database does not answer
     * (PROTOCOL 14), which makes the instance not ready. Cheap and never blocking.
     */
    default boolean available() {
        return true;
    }

    /**
     * Upkeep, called about once a second: expiry on one instance; in a cluster, keeping alive the
     * streams of rooms with members here.
     */
    default void sweep() {
    }

    /**
     * The estimated bytes of the messages and idempotency keys this instance keeps, for
     * {@code roomcast_history_bytes}.
     */
    default long bytes() {
        return 0;
    }

    /** The room streams this instance keeps, for {@code roomcast_streams}. */
    default long streams() {
        return 0;
    }
}
