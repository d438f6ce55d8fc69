package io.roomcast.durable;

import io.roomcast.room.event.RoomEvent;
import io.roomcast.stream.Appended;
import io.roomcast.stream.Epochs;
import io.roomcast.stream.Slice;
import io.roomcast.stream.StreamStore;
import io.roomcast.stream.StreamUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Rooms' streams in PostgreSQL (PROTOCOL 14): a room's epoch and offsets outlive every instance, an
 * append returns once committed ({@link GroupCommit}), and reads see what any instance committed.
 *
 * <p>A room's row is kept once created, so its epoch changes only if the database loses it: a room whose
 * messages all expired keeps its epoch and latest offset, and a client that saw the latest recovers with
 * nothing missed. Expiry, the byte bound and the deletion of what fell out of {@code history.size} run
 * in {@link #sweep}, off the publish path ({@link Retention}).
 *
 * <p>When the database does not answer, every operation throws {@link StreamUnavailableException}
 * (clients get {@code unavailable}), at once until the next probe or write succeeds.
 */
public final class PostgresStreams implements StreamStore, AutoCloseable {

    /**
     * The channel on which every commit says "room R has offsets up to N" (payload {@code R:N}); the bus
     * between instances ({@code cluster.PostgresBus}) listens to it. Delivered only after the commit.
     */
    public static final String ROOM_CHANNEL = "roomcast_room";

    private static final String READ = """
            SELECT r.epoch, r.latest, r.oldest, m."offset", m.id, m.sender, m.text, m.ref, m.published_at, m.trace
              FROM roomcast_room r
              LEFT JOIN LATERAL (
                   SELECT * FROM roomcast_message m
                    WHERE m.room = r.room AND m."offset" > ? AND m."offset" >= r.oldest AND m."offset" <= r.latest
                    ORDER BY m."offset" %s LIMIT ?) m ON true
             WHERE r.room = ?""";
    private static final String READ_OLDEST = READ.formatted("ASC");
    private static final String READ_NEWEST = READ.formatted("DESC");
    private static final String CREATE = """
            INSERT INTO roomcast_room (room, epoch, latest, oldest, bytes) VALUES (?, ?, 0, 1, 0)
            ON CONFLICT (room) DO NOTHING""";

    private final Database database;
    private final int size;
    private final Epochs epochs;
    private final Availability availability = new Availability();
    private final GroupCommit writer;
    private final StreamWrites writes;
    private final Retention retention;
    private volatile Outbox outbox;
    private volatile boolean migrated;

    /**
     * The store's threads: the writer's loop ({@link GroupCommit}), the lanes that answer committed
     * publishes (a room always on the same one), and the watch that refuses publishes not committed in time.
     */
    public record Lanes(ExecutorService writer, List<? extends Executor> answers, ScheduledExecutorService watchdog) {
    }

    /**
     * What the store is asked to be: this instance's name (in its notifications), whether another instance
     * is alive to hear the rooms' notifications ({@link #ROOM_CHANNEL}, sent only then), the retention
     * ({@code roomcast.history.*}), and how long the writer waits for company ({@code roomcast.store.batch-wait}).
     */
    public record Options(String instance, BooleanSupplier othersAlive, int historySize, long ttlSeconds,
                          long maxBytes, Duration batchWait) {
    }

    private PostgresStreams(Database database, Options options, Lanes lanes) {
        this.database = database;
        this.size = options.historySize();
        this.epochs = new Epochs();
        this.retention = new Retention(options.ttlSeconds(), options.maxBytes());
        this.writes = new StreamWrites(size, options.ttlSeconds(), epochs, options.instance(), retention::fellOut,
                options.othersAlive());
        this.writer = new GroupCommit(database, writes, availability, options.batchWait(), lanes);
    }

    /**
     * Migrates the schema and starts the writer. The database may be down meanwhile: the store then
     * starts unavailable, and the upkeep migrates and opens it once the database answers.
     */
    public static PostgresStreams start(Database database, Options options, Lanes lanes) {
        PostgresStreams streams = new PostgresStreams(database, options, lanes);
        try {
            Schema.migrate(database.dataSource());
            streams.migrated = true;
        } catch (RuntimeException e) {
            streams.availability.failed(e);
        }
        return streams;
    }

    @Override
    public boolean enabled() {
        return size > 0;
    }

    @Override
    public boolean available() {
        return availability.up();
    }

    @Override
    public Appended append(RoomEvent.Message message, String dedupKey) {
        try {
            return appendAsync(message, dedupKey).toCompletableFuture().get();
        } catch (ExecutionException e) {
            throw refusal(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamUnavailableException("interrupted while storing; try again");
        }
    }

    @Override
    public CompletionStage<Appended> appendAsync(RoomEvent.Message message, String dedupKey) {
        if (!enabled() && dedupKey == null) {
            return CompletableFuture.completedFuture(new Appended(message, false));
        }
        if (!availability.up()) {
            return CompletableFuture.failedFuture(Availability.refusal());
        }
        // A publish that times out may still commit: a resend with the same key then gets its placement.
        return writer.submit(message, dedupKey)
                .handle((appended, failure) -> {
                    if (failure != null) {
                        throw refusal(failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure);
                    }
                    return appended;
                });
    }

    private static StreamUnavailableException refusal(Throwable cause) {
        if (cause instanceof StreamUnavailableException refused) {
            return refused;
        }
        return new StreamUnavailableException("the room store failed; try again");
    }

    @Override
    public Slice read(int room, long after, int limit, boolean newest) {
        if (!enabled()) {
            return Slice.disabled();
        }
        refuseWhileDown();
        try (Connection connection = database.connection()) {
            return read(connection, room, after, limit, newest);
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    private Slice read(Connection connection, int room, long after, int limit, boolean newest) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement(newest ? READ_NEWEST : READ_OLDEST)) {
            read.setLong(1, after);
            read.setLong(2, (long) limit + 1); // one more, to tell whether there is more
            read.setInt(3, room);
            try (ResultSet rows = read.executeQuery()) {
                if (!rows.next()) {
                    return Slice.none();
                }
                String epoch = rows.getString(1);
                long latest = rows.getLong(2);
                long oldest = rows.getLong(3);
                List<RoomEvent.Message> messages = new ArrayList<>();
                do {
                    long offset = rows.getLong(4);
                    if (!rows.wasNull()) {
                        messages.add(new RoomEvent.Message(room, rows.getString(5), rows.getString(6), rows.getString(7),
                                rows.getString(8), rows.getLong(9), epoch, offset, rows.getString(10)));
                    }
                } while (rows.next());
                availability.succeeded();
                return slice(epoch, latest, oldest, after, limit, newest, messages);
            }
        }
    }

    /** The read's rows (one more than the limit, when there are) as the store's answer. */
    private static Slice slice(String epoch, long latest, long oldest, long after, int limit, boolean newest,
                               List<RoomEvent.Message> rows) {
        if (limit == 0) {
            boolean more = after < latest && latest - Math.max(after, oldest - 1) > 0;
            return new Slice(epoch, latest, oldest, List.of(), more);
        }
        boolean more = rows.size() > limit;
        List<RoomEvent.Message> messages = more ? rows.subList(0, limit) : rows;
        if (newest) {
            messages = new ArrayList<>(messages);
            Collections.reverse(messages);
        }
        return new Slice(epoch, latest, oldest, messages, more);
    }

    @Override
    public Slice open(int room) {
        if (!enabled()) {
            return Slice.disabled();
        }
        refuseWhileDown();
        try (Connection connection = database.connection()) {
            try (PreparedStatement create = connection.prepareStatement(CREATE)) {
                create.setInt(1, room);
                create.setString(2, epochs.next());
                create.executeUpdate();
            }
            return read(connection, room, Long.MAX_VALUE, 0, false); // the head, as head(room) reads it
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    /** Expiry, the byte bound, old keys; while the database is down, a probe instead. */
    @Override
    public void sweep() {
        try (Connection connection = database.connection()) {
            if (!migrated) {
                Schema.migrate(database.dataSource());
                migrated = true;
            }
            if (!availability.up()) {
                try (var probe = connection.createStatement()) {
                    probe.execute("SELECT 1");
                }
                availability.succeeded();
            }
            retention.run(connection);
        } catch (SQLException | RuntimeException e) {
            availability.failed(e);
        }
    }

    @Override
    public long bytes() {
        return retention.bytes();
    }

    @Override
    public long streams() {
        return retention.streams();
    }

    private void refuseWhileDown() {
        if (!availability.up()) {
            throw Availability.refusal();
        }
    }

    private StreamUnavailableException unreachable(SQLException e) {
        availability.failed(e);
        return Availability.refusal();
    }

    /**
     * Starts relaying the outbox (PROTOCOL 14) into the rooms' streams; each message placed is handed to
     * {@code delivered} for this instance's members (the other instances hear of it from the database).
     */
    public void relayOutbox(Supplier<String> messageIds, Consumer<RoomEvent.Message> delivered, ExecutorService lane) {
        outbox = new Outbox(database, writes, availability, messageIds, delivered, lane);
    }

    @Override
    public void close() {
        Outbox relay = outbox;
        if (relay != null) {
            relay.close();
        }
        writer.close();
    }
}
