package io.roomcast.durable;

import io.roomcast.room.event.RoomEvent;
import io.roomcast.stream.Appended;
import io.roomcast.stream.Epochs;
import io.roomcast.stream.Placement;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.ObjLongConsumer;

/**
 * The statements of one group commit, a fixed handful of round trips whatever the batch holds: claim the
 * idempotency keys; in one statement, advance each room's row by its count of messages (the offsets,
 * gap-free: the row is locked until commit, so publishers of one room on several instances take turns),
 * insert the messages and, while another instance is alive, notify every instance of each room's new
 * latest offset (delivered only if the transaction commits); remember the keys' placements. What falls out
 * of {@code history.size} is left to the upkeep ({@link Retention}).
 *
 * <p>Alone, the notifications would reach only this instance's own listener, which skips them: measured on
 * the 100x10 fan-out, that listener took 5 % of the server's CPU (pgjdbc ends every read of notifications
 * with a 1 ms timed read that throws), and PostgreSQL queued every one (docs/BENCHMARKS.md). A newcomer
 * is heard at once (its lease's sync request on the bus, {@code cluster.PostgresBus}), and what a batch
 * committed unannounced meanwhile reaches it with the room's next notification or its catch-up, within
 * {@code PostgresBus.CATCH_UP_SECONDS}.
 * A batch without keys is that one statement alone, committed by itself: one round trip, where it was
 * four (three statements and the commit), which the postgres fan-out paid per batch (docs/BENCHMARKS.md).
 *
 * <p>Rows are locked in one order on every instance, keys then rooms, each sorted, so two instances'
 * batches never deadlock.
 */
final class StreamWrites implements GroupCommit.Transaction {

    /** The channel of "room R has offsets up to N" (payload {@code R:N}), read by the bus between instances. */
    static final String ROOM_CHANNEL = PostgresStreams.ROOM_CHANNEL;

    private static final String CLAIM = """
            INSERT INTO roomcast_dedup (key, expires_at)
            SELECT k, now() + make_interval(secs => ?) FROM unnest(?::text[]) AS k ORDER BY k
            ON CONFLICT (key) DO UPDATE SET id = NULL, epoch = NULL, "offset" = 0, expires_at = EXCLUDED.expires_at
                WHERE roomcast_dedup.expires_at <= now()
            RETURNING key""";
    private static final String SEEN = """
            SELECT key, id, epoch, "offset" FROM roomcast_dedup WHERE key = ANY(?::text[])""";
    /**
     * One statement for a batch's messages (one round trip, and the whole transaction when nothing else
     * is written): advance each room's row by its count of messages and bytes (the offsets: the row stays
     * locked until commit), insert the messages at their offsets, and notify every instance of each room's
     * new latest offset. What falls out of {@code history.size} is deleted by the upkeep ({@link Retention}),
     * and reads stop at a room's oldest offset meanwhile: a delete here joined the messages table, and the
     * plan PostgreSQL cached for it while the table was empty scanned the whole table from then on.
     */
    private static final String PLACE_MESSAGES_TEMPLATE = """
            WITH advanced AS (
                INSERT INTO roomcast_room (room, epoch, latest, oldest, bytes)
                SELECT r, e, n, GREATEST(1, n - ? + 1), b
                  FROM unnest(?::int[], ?::text[], ?::bigint[], ?::bigint[]) AS t(r, e, n, b) ORDER BY r
                ON CONFLICT (room) DO UPDATE SET
                    latest = roomcast_room.latest + EXCLUDED.latest,
                    oldest = GREATEST(roomcast_room.oldest, roomcast_room.latest + EXCLUDED.latest - ? + 1),
                    bytes = roomcast_room.bytes + EXCLUDED.bytes
                RETURNING room, epoch, latest, oldest),
            added AS (
                INSERT INTO roomcast_message (room, "offset", id, sender, text, ref, published_at, bytes, trace)
                SELECT u.r, a.latest - u.n + u.k, u.id, u.sender, u.text, u.ref, u.at, u.bytes, u.trace
                  FROM unnest(?::int[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[],
                              ?::int[], ?::text[]) AS u(r, k, n, id, sender, text, ref, at, bytes, trace)
                  JOIN advanced a ON a.room = u.r)
            SELECT room, epoch, latest, oldest, %s FROM advanced
            """;
    private static final String PLACE_MESSAGES = PLACE_MESSAGES_TEMPLATE.formatted(
            "pg_notify('" + ROOM_CHANNEL + "', room || ':' || latest || ':' || ?)::text");
    /**
     * {@link #PLACE_MESSAGES} without the notifications, for an instance alone on the database (see the
     * class); the origin is bound and selected all the same, so that both statements take the same parameters.
     */
    private static final String PLACE_MESSAGES_QUIETLY = PLACE_MESSAGES_TEMPLATE.formatted("?::text");
    private static final String PLACE = """
            UPDATE roomcast_dedup d SET id = u.id, epoch = u.epoch, "offset" = u.o
              FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[]) AS u(k, id, epoch, o)
             WHERE d.key = u.k""";

    private final int size;
    private final long keyTtlSeconds;
    private final Epochs epochs;
    /** This instance, named in each room notice so that it can skip its own (cluster/BusNotice). */
    private final String origin;
    /** Told of each room whose oldest offset a write raised past 1: its messages below it are to go. */
    private final ObjLongConsumer<Integer> fellOut;
    /** Whether another instance is alive to hear the rooms' notifications (see the class). */
    private final BooleanSupplier othersAlive;

    StreamWrites(int size, long keyTtlSeconds, Epochs epochs, String origin, ObjLongConsumer<Integer> fellOut,
                 BooleanSupplier othersAlive) {
        this.size = size;
        this.keyTtlSeconds = keyTtlSeconds;
        this.epochs = epochs;
        this.origin = origin;
        this.fellOut = fellOut;
        this.othersAlive = othersAlive;
    }

    /** A batch without idempotency keys is one statement ({@link #PLACE_MESSAGES}): no transaction around it. */
    @Override
    public boolean oneStatement(List<GroupCommit.Pending> batch) {
        for (GroupCommit.Pending pending : batch) {
            if (pending.dedupKey() != null) {
                return false;
            }
        }
        return size > 0;
    }

    @Override
    public List<Appended> write(Connection connection, List<GroupCommit.Pending> batch) throws SQLException {
        Map<String, Placement> seen = claim(connection, batch);
        // Which publish of the batch is the first with its key (a later one repeats it), and what is placed.
        Map<String, Integer> firstWithKey = new HashMap<>();
        List<RoomEvent.Message> placed = new ArrayList<>(batch.size());
        List<Integer> toPlace = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            GroupCommit.Pending pending = batch.get(i);
            placed.add(pending.message()); // unplaced until place() runs (and stays so with streams off)
            String key = pending.dedupKey();
            if (key == null || (!seen.containsKey(key) && firstWithKey.putIfAbsent(key, i) == null)) {
                toPlace.add(i);
            }
        }
        if (size > 0 && !toPlace.isEmpty()) {
            place(connection, batch, toPlace, placed);
        }
        remember(connection, batch, firstWithKey, placed);
        List<Appended> results = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            GroupCommit.Pending pending = batch.get(i);
            String key = pending.dedupKey();
            if (key != null && seen.containsKey(key)) {
                results.add(Appended.repeat(pending.message(), seen.get(key)));
            } else if (key != null && firstWithKey.get(key) != i) {
                results.add(Appended.repeat(pending.message(), Placement.of(placed.get(firstWithKey.get(key)))));
            } else {
                results.add(new Appended(placed.get(i), false));
            }
        }
        return results;
    }

    /** Claims the batch's keys; returns the keys already taken by a live earlier publish, with its placement. */
    private Map<String, Placement> claim(Connection connection, List<GroupCommit.Pending> batch) throws SQLException {
        TreeSet<String> keys = new TreeSet<>();
        for (GroupCommit.Pending pending : batch) {
            if (pending.dedupKey() != null) {
                keys.add(pending.dedupKey());
            }
        }
        if (keys.isEmpty()) {
            return Map.of();
        }
        TreeSet<String> taken = new TreeSet<>(keys);
        try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
            claim.setLong(1, keyTtlSeconds);
            claim.setArray(2, connection.createArrayOf("text", keys.toArray()));
            try (ResultSet claimed = claim.executeQuery()) {
                while (claimed.next()) {
                    taken.remove(claimed.getString(1));
                }
            }
        }
        if (taken.isEmpty()) {
            return Map.of();
        }
        Map<String, Placement> seen = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(SEEN)) {
            select.setArray(1, connection.createArrayOf("text", taken.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    seen.put(rows.getString(1), new Placement(rows.getString(2), rows.getString(3), rows.getLong(4)));
                }
            }
        }
        return seen;
    }

    /** Gives the publishes at {@code toPlace} their rooms' next offsets and stores them ({@link #PLACE_MESSAGES}). */
    private void place(Connection connection, List<GroupCommit.Pending> batch, List<Integer> toPlace,
                       List<RoomEvent.Message> placed) throws SQLException {
        TreeMap<Integer, long[]> rooms = new TreeMap<>(); // room -> {count, bytes}
        int m = toPlace.size();
        Integer[] mRoom = new Integer[m];
        Long[] mIndex = new Long[m]; // 1-based, within its room in this batch
        String[] mId = new String[m];
        String[] mSender = new String[m];
        String[] mText = new String[m];
        String[] mRef = new String[m];
        Long[] mAt = new Long[m];
        Integer[] mBytes = new Integer[m];
        String[] mTrace = new String[m];
        for (int j = 0; j < m; j++) {
            GroupCommit.Pending pending = batch.get(toPlace.get(j));
            RoomEvent.Message message = pending.message();
            long[] counts = rooms.computeIfAbsent(message.room(), r -> new long[2]);
            mRoom[j] = message.room();
            mIndex[j] = ++counts[0];
            mId[j] = message.id();
            mSender[j] = message.from();
            mText[j] = message.text();
            mRef[j] = message.ref();
            mAt[j] = message.timestamp();
            mBytes[j] = (int) pending.cost();
            mTrace[j] = message.trace();
            counts[1] += mBytes[j];
        }
        int n = rooms.size();
        Integer[] roomIds = rooms.keySet().toArray(new Integer[0]);
        String[] newEpochs = new String[n];
        Long[] counts = new Long[n];
        Long[] bytes = new Long[n];
        for (int i = 0; i < n; i++) {
            long[] c = rooms.get(roomIds[i]);
            newEpochs[i] = epochs.next();
            counts[i] = c[0];
            bytes[i] = c[1];
        }
        Long[] mCount = new Long[m]; // its room's count in this batch, known once every message is counted
        for (int j = 0; j < m; j++) {
            mCount[j] = rooms.get(mRoom[j])[0];
        }
        Map<Integer, String> epochOf = new HashMap<>();
        Map<Integer, Long> latestOf = new HashMap<>();
        try (PreparedStatement write = connection.prepareStatement(othersAlive.getAsBoolean() ? PLACE_MESSAGES
                : PLACE_MESSAGES_QUIETLY)) {
            write.setInt(1, size);
            write.setArray(2, connection.createArrayOf("int4", roomIds));
            write.setArray(3, connection.createArrayOf("text", newEpochs));
            write.setArray(4, connection.createArrayOf("int8", counts));
            write.setArray(5, connection.createArrayOf("int8", bytes));
            write.setInt(6, size);
            write.setArray(7, connection.createArrayOf("int4", mRoom));
            write.setArray(8, connection.createArrayOf("int8", mIndex));
            write.setArray(9, connection.createArrayOf("int8", mCount));
            write.setArray(10, connection.createArrayOf("text", mId));
            write.setArray(11, connection.createArrayOf("text", mSender));
            write.setArray(12, connection.createArrayOf("text", mText));
            write.setArray(13, connection.createArrayOf("text", mRef));
            write.setArray(14, connection.createArrayOf("int8", mAt));
            write.setArray(15, connection.createArrayOf("int4", mBytes));
            write.setArray(16, connection.createArrayOf("text", mTrace));
            write.setString(17, origin);
            try (ResultSet rows = write.executeQuery()) {
                while (rows.next()) {
                    int room = rows.getInt(1);
                    epochOf.put(room, rows.getString(2));
                    latestOf.put(room, rows.getLong(3));
                    if (rows.getLong(4) > 1) {
                        fellOut.accept(room, rows.getLong(4));
                    }
                }
            }
        }
        for (int j = 0; j < m; j++) {
            int i = toPlace.get(j);
            RoomEvent.Message message = batch.get(i).message();
            long offset = latestOf.get(message.room()) - mCount[j] + mIndex[j];
            placed.set(i, message.at(epochOf.get(message.room()), offset));
        }
    }

    /** Remembers where each claimed key's first publish landed (unplaced with streams off). */
    private static void remember(Connection connection, List<GroupCommit.Pending> batch,
                                 Map<String, Integer> firstWithKey, List<RoomEvent.Message> placed) throws SQLException {
        if (firstWithKey.isEmpty()) {
            return;
        }
        Map<String, RoomEvent.Message> byKey = new LinkedHashMap<>();
        firstWithKey.forEach((key, i) -> byKey.put(key, placed.get(i)));
        int n = byKey.size();
        String[] keys = new String[n];
        String[] ids = new String[n];
        String[] epochs = new String[n];
        Long[] offsets = new Long[n];
        int j = 0;
        for (Map.Entry<String, RoomEvent.Message> e : byKey.entrySet()) {
            keys[j] = e.getKey();
            ids[j] = e.getValue().id();
            epochs[j] = e.getValue().epoch();
            offsets[j] = e.getValue().offset();
            j++;
        }
        try (PreparedStatement place = connection.prepareStatement(PLACE)) {
            Array k = connection.createArrayOf("text", keys);
            place.setArray(1, k);
            place.setArray(2, connection.createArrayOf("text", ids));
            place.setArray(3, connection.createArrayOf("text", epochs));
            place.setArray(4, connection.createArrayOf("int8", offsets));
            place.executeUpdate();
        }
    }
}
