package io.roomcast.durable;

import io.roomcast.room.RoomCommand;
import io.roomcast.room.event.RoomEvent;
import io.roomcast.stream.Appended;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Transactional publish (PROTOCOL 14): rows another application committed into {@code roomcast_outbox}
 * become messages of their rooms' streams, each once. A round claims the oldest rows with
 * {@code FOR UPDATE SKIP LOCKED} (so instances share the work and never take a row twice), appends them
 * with the writer's statements and deletes them, all in one transaction: a crash before the commit
 * leaves the rows for the next round, after it leaves nothing to repeat. A rolled-back row was never
 * visible. A row with an {@code idempotency_key} is de-duplicated with the HTTP publishes of the same
 * sender, room and key.
 *
 * <p>Rounds run when the table's trigger notifies, and once a second in any case (a notification sent
 * while this instance was not listening is not lost: the row is still there).
 */
final class Outbox implements AutoCloseable {

    private static final Logger LOG = System.getLogger(Outbox.class.getName());

    static final String CHANNEL = "roomcast_outbox";
    /** Rows a round takes: one transaction of the writer's size. */
    static final int ROUND = GroupCommit.BATCH;
    private static final int POLL_MILLIS = 1_000;

    private static final String CLAIM = """
            SELECT id, room, sender, text, idempotency_key FROM roomcast_outbox
             ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED""";
    private static final String DELETE = "DELETE FROM roomcast_outbox WHERE id = ANY(?::bigint[])";

    private final Database database;
    private final StreamWrites writes;
    private final Availability availability;
    private final Supplier<String> messageIds;
    private final Consumer<RoomEvent.Message> delivered;
    private final Future<?> relay;
    private volatile boolean running = true;

    Outbox(Database database, StreamWrites writes, Availability availability, Supplier<String> messageIds,
           Consumer<RoomEvent.Message> delivered, ExecutorService lane) {
        this.database = database;
        this.writes = writes;
        this.availability = availability;
        this.messageIds = messageIds;
        this.delivered = delivered;
        this.relay = lane.submit(this::run);
    }

    private void run() {
        while (running) {
            try (ListeningConnection listening = database.listen(CHANNEL)) {
                while (running) {
                    while (drain() == ROUND && running) {
                        // a full round: more rows may wait
                    }
                    listening.await(POLL_MILLIS); // woken by the trigger, or a second passed
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                availability.failed(e);
                LOG.log(Level.DEBUG, "outbox relay: {0}; trying again in a second", e.toString());
                pause();
            }
        }
    }

    /** One round: claims, appends and deletes up to {@link #ROUND} rows; returns how many it took. */
    int drain() throws SQLException {
        List<Long> ids = new ArrayList<>();
        List<Appended> results;
        try (Connection connection = database.connection()) {
            results = Database.inTransaction(connection, () -> {
                List<GroupCommit.Pending> batch = claim(connection, ids);
                if (ids.isEmpty()) {
                    return List.<Appended>of();
                }
                List<Appended> appended = batch.isEmpty() ? List.of() : writes.write(connection, batch);
                try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
                    delete.setArray(1, connection.createArrayOf("int8", ids.toArray()));
                    delete.executeUpdate();
                }
                return appended;
            });
        }
        // Every instance also hears of these by the room's notification; this one delivers them now.
        results.stream().filter(appended -> !appended.duplicate()).map(Appended::message).forEach(delivered);
        return ids.size();
    }

    /** Locks the oldest rows no other instance holds; their ids go to {@code ids}, their messages are returned. */
    private List<GroupCommit.Pending> claim(Connection connection, List<Long> ids) throws SQLException {
        List<GroupCommit.Pending> batch = new ArrayList<>();
        try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
            claim.setInt(1, ROUND);
            try (ResultSet rows = claim.executeQuery()) {
                long now = System.currentTimeMillis();
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                    int room = rows.getInt(2);
                    String sender = rows.getString(3);
                    String key = rows.getString(5);
                    if (room <= 0) {
                        LOG.log(Level.WARNING, "outbox row {0}: room {1} is not a room id (1..2147483647); dropped",
                                rows.getLong(1), room);
                        continue;
                    }
                    RoomEvent.Message message = new RoomEvent.Message(room, messageIds.get(), sender,
                            rows.getString(4), null, now);
                    batch.add(new GroupCommit.Pending(message, key == null ? null
                            : RoomCommand.Publish.dedupKey(sender, room, key), new CompletableFuture<>()));
                }
            }
        }
        return batch;
    }

    private void pause() {
        try {
            Thread.sleep(POLL_MILLIS); // a retry's backoff while the database is away, not a test's wait
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        relay.cancel(true);
    }
}
