package io.roomcast.durable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code roomcast.history.ttl} and {@code .max-bytes} for the durable store, and the deletion of what fell
 * out of {@code history.size}, run by the upkeep about once a second, never by a publish. (The writer
 * raises a room's oldest offset as it writes, and reads stop there; the rows below it go here: at most
 * a second of publishes past the bound stays on disk, unseen.) Rooms this instance's writer raised are
 * trimmed by this instance; a room whose instance died before its upkeep ran is trimmed at its next
 * write anywhere, or when its messages expire.
 * Each round takes at most {@link #ROUND} of the oldest messages through the age index, so it costs what
 * expires, never a scan; a room loses everything below its newest expired offset, so what it keeps stays
 * contiguous whatever the instances' clocks said.
 *
 * <p>Rooms are locked first, in order, as the writer locks them, so a round and a write never deadlock.
 */
final class Retention {

    static final int ROUND = 10_000;

    private static final String EXPIRED = """
            SELECT room, max("offset") FROM (
                SELECT room, "offset" FROM roomcast_message WHERE published_at < ? ORDER BY published_at LIMIT ?) x
             GROUP BY room""";
    private static final String OLDEST = """
            SELECT room, "offset", bytes FROM roomcast_message ORDER BY published_at LIMIT ?""";
    private static final String LOCK = """
            SELECT room FROM roomcast_room WHERE room = ANY(?::int[]) ORDER BY room FOR UPDATE""";
    /**
     * Deletes each room's messages below an offset and uncounts their bytes: what fell out of
     * {@code history.size}, expired or was evicted.
     */
    private static final String DROP_BELOW = """
            WITH gone AS (
                DELETE FROM roomcast_message m USING unnest(?::int[], ?::bigint[]) AS c(r, o)
                 WHERE m.room = c.r AND m."offset" < c.o
             RETURNING m.room, m.bytes)
            UPDATE roomcast_room SET bytes = roomcast_room.bytes - g.b
              FROM (SELECT room, sum(bytes) AS b FROM gone GROUP BY room) g
             WHERE roomcast_room.room = g.room""";
    private static final String RAISE_OLDEST = """
            UPDATE roomcast_room SET oldest = GREATEST(roomcast_room.oldest, c.o)
              FROM unnest(?::int[], ?::bigint[]) AS c(r, o)
             WHERE roomcast_room.room = c.r""";
    private static final String KEYS = """
            DELETE FROM roomcast_dedup WHERE key IN (
                SELECT key FROM roomcast_dedup WHERE expires_at < now() ORDER BY key LIMIT ? FOR UPDATE SKIP LOCKED)""";
    private static final String FIGURES = "SELECT count(*), coalesce(sum(bytes), 0) FROM roomcast_room";

    /**
     * Plans made for each run's parameters, not a plan cached when the tables were small: the deletes
     * join the messages table, and a cached plan made while it was empty scans all of it from then on.
     */
    private static final String CUSTOM_PLANS = "SET LOCAL plan_cache_mode = force_custom_plan";

    private final long ttlMillis;
    private final long maxBytes;
    /** Rooms whose oldest offset this instance's writer raised, with the highest it raised it to. */
    private final ConcurrentHashMap<Integer, Long> fellOut = new ConcurrentHashMap<>();
    private volatile long streams;
    private volatile long bytes;

    Retention(long ttlSeconds, long maxBytes) {
        this.ttlMillis = ttlSeconds * 1000;
        this.maxBytes = maxBytes;
    }

    /** A write raised {@code room}'s oldest offset to {@code oldest}: its messages below it go at the next run. */
    void fellOut(Integer room, long oldest) {
        fellOut.merge(room, oldest, Math::max);
    }

    void run(Connection connection) throws SQLException {
        dropFallenOut(connection);
        expire(connection);
        figures(connection);
        if (bytes > maxBytes) {
            evict(connection, bytes - maxBytes);
            figures(connection);
        }
        try (PreparedStatement keys = connection.prepareStatement(KEYS)) {
            keys.setInt(1, ROUND);
            keys.executeUpdate();
        }
    }

    long streams() {
        return streams;
    }

    long bytes() {
        return bytes;
    }

    /** Deletes what fell out of {@code history.size} in the rooms this instance wrote, at most {@link #ROUND} rooms a run. */
    private void dropFallenOut(Connection connection) throws SQLException {
        TreeMap<Integer, Long> below = new TreeMap<>();
        for (Map.Entry<Integer, Long> room : fellOut.entrySet()) {
            if (below.size() == ROUND) {
                break;
            }
            below.put(room.getKey(), room.getValue());
        }
        trim(connection, below);
        // Only now: a failed trim leaves them for the next run, and a room raised meanwhile stays.
        below.forEach(fellOut::remove);
    }

    private void expire(Connection connection) throws SQLException {
        TreeMap<Integer, Long> below = new TreeMap<>();
        try (PreparedStatement expired = connection.prepareStatement(EXPIRED)) {
            expired.setLong(1, System.currentTimeMillis() - ttlMillis);
            expired.setInt(2, ROUND);
            try (ResultSet rows = expired.executeQuery()) {
                while (rows.next()) {
                    below.put(rows.getInt(1), rows.getLong(2) + 1);
                }
            }
        }
        trim(connection, below);
    }

    /** The oldest messages, by publication, until {@code overflow} bytes are gone. */
    private void evict(Connection connection, long overflow) throws SQLException {
        TreeMap<Integer, Long> below = new TreeMap<>();
        try (PreparedStatement oldest = connection.prepareStatement(OLDEST)) {
            oldest.setInt(1, ROUND);
            try (ResultSet rows = oldest.executeQuery()) {
                long freed = 0;
                while (freed < overflow && rows.next()) {
                    below.merge(rows.getInt(1), rows.getLong(2) + 1, Math::max);
                    freed += rows.getLong(3);
                }
            }
        }
        trim(connection, below);
    }

    private static void trim(Connection connection, TreeMap<Integer, Long> below) throws SQLException {
        if (below.isEmpty()) {
            return;
        }
        Object[] rooms = below.keySet().toArray();
        Object[] offsets = below.values().toArray();
        Database.inTransaction(connection, () -> {
            try (Statement customPlans = connection.createStatement()) {
                customPlans.execute(CUSTOM_PLANS);
            }
            try (PreparedStatement lock = connection.prepareStatement(LOCK)) {
                lock.setArray(1, connection.createArrayOf("int4", rooms));
                lock.executeQuery().close();
            }
            try (PreparedStatement raise = connection.prepareStatement(RAISE_OLDEST)) {
                raise.setArray(1, connection.createArrayOf("int4", rooms));
                raise.setArray(2, connection.createArrayOf("int8", offsets));
                raise.executeUpdate();
            }
            dropBelow(connection, rooms, offsets);
            return null;
        });
    }

    /** Deletes each room's messages below its offset ({@code rooms[i]}, {@code below[i]}), in the caller's transaction. */
    private static void dropBelow(Connection connection, Object[] rooms, Object[] below) throws SQLException {
        try (PreparedStatement drop = connection.prepareStatement(DROP_BELOW)) {
            drop.setArray(1, connection.createArrayOf("int4", rooms));
            drop.setArray(2, connection.createArrayOf("int8", below));
            drop.executeUpdate();
        }
    }

    private void figures(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(FIGURES)) {
            rows.next();
            streams = rows.getLong(1);
            bytes = rows.getLong(2);
        }
    }
}
