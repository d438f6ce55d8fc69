package io.roomcast.durable;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A connection that {@code LISTEN}s on channels, and the notifications that reach it: the bus's
 * ({@code cluster.PostgresBus}) and the outbox relay's. Notifications reach only the session that
 * listens, so it is held for as long as its listener runs ({@link Database#listen}).
 *
 * <p>One of the server's pooled connections ({@code roomcast.store.datasource}) goes back to the pool
 * when closed, so it says {@code UNLISTEN *} first: a pooled connection left listening would go on
 * receiving every notification for its next users (the driver keeps them until asked), and hold back
 * the server's notification queue. A connection of Roomcast's own ({@code roomcast.store.url}) is
 * closed for good, which ends its listening anyway.
 */
public final class ListeningConnection implements AutoCloseable {

    private static final Pattern CHANNEL = Pattern.compile("[a-z_][a-z0-9_]*");

    /** One notification: the channel it came on and its payload. */
    public record Notice(String channel, String payload) {
    }

    private final Connection connection;
    private final DriverNotifications.Reader reader;
    private final boolean pooled;

    private ListeningConnection(Connection connection, DriverNotifications.Reader reader, boolean pooled) {
        this.connection = connection;
        this.reader = reader;
        this.pooled = pooled;
    }

    /**
     * Listens on {@code channels} on {@code connection}, which is then this object's to close (also when
     * this fails).
     *
     * @param pooled true for a connection that goes back to a pool when closed (see the class)
     */
    static ListeningConnection listen(Connection connection, boolean pooled, String... channels) throws SQLException {
        ListeningConnection listening = null;
        try {
            // First how to read (so that a connection we cannot read from is never left listening), then listen.
            listening = new ListeningConnection(connection, DriverNotifications.of(connection), pooled);
            try (Statement statement = connection.createStatement()) {
                for (String channel : channels) {
                    if (!CHANNEL.matcher(channel).matches()) {
                        throw new IllegalArgumentException("not a channel name: " + channel);
                    }
                    statement.execute("LISTEN " + channel);
                }
            }
            return listening;
        } catch (SQLException | RuntimeException e) {
            try {
                if (listening != null) {
                    listening.close();
                } else {
                    connection.close();
                }
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** Waits up to {@code millis} for notifications; those that came, in order (none: empty). */
    public List<Notice> await(int millis) throws SQLException {
        return reader.read(millis);
    }

    /** How its notifications are read (the WAR's driver, or the server's by reflection), for the log. */
    public String way() {
        return reader.way();
    }

    @Override
    public void close() throws SQLException {
        try {
            if (pooled && !connection.isClosed()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("UNLISTEN *");
                }
            }
        } finally {
            connection.close(); // a connection that failed the UNLISTEN is broken: the pool's checks drop it
        }
    }
}
