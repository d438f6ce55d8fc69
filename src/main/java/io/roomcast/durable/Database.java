package io.roomcast.durable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.roomcast.config.StoreSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * Where the durable store gets its connections: a small pool of its own (HikariCP) built from
 * {@code roomcast.store.url}, or the DataSource the server manages ({@code roomcast.store.datasource}),
 * looked up by its JNDI name. Each listener for notifications (the bus's, the outbox's) holds one
 * connection for as long as it runs ({@link #listen}): outside Roomcast's own pool, or one of the
 * server's pool.
 */
public final class Database implements AutoCloseable {

    /** Readers (joins, history, gap fills), the writer and the upkeep share this many connections. */
    static final int POOL_SIZE = 8;

    private final DataSource dataSource;
    private final StoreSettings settings;

    private Database(DataSource dataSource, StoreSettings settings) {
        this.dataSource = dataSource;
        this.settings = settings;
    }

    public static Database open(StoreSettings settings) {
        return open(settings, "roomcast-store", POOL_SIZE);
    }

    /**
     * A pool of its own under that name and size ({@code roomcast.store.url}), or the server's DataSource.
     * The bus between instances ({@code cluster.PostgresBus}) has its own small pool, so that a burst of
     * stream reads never holds up its events, nor its events the store.
     */
    public static Database open(StoreSettings settings, String poolName, int poolSize) {
        if (settings.datasource().isPresent()) {
            try {
                return new Database((DataSource) new InitialContext().lookup(settings.datasource().get()), settings);
            } catch (NamingException e) {
                throw new IllegalStateException("roomcast.store.datasource " + settings.datasource().get()
                        + " is not bound: " + e.getMessage(), e);
            }
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setDriverClassName("org.postgresql.Driver");
        config.setJdbcUrl(settings.url().orElseThrow());
        settings.user().ifPresent(config::setUsername);
        settings.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(2, poolSize));
        // Start even while the database is down: the store reports itself unavailable and recovers.
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(2_000);
        config.setValidationTimeout(1_000);
        config.addDataSourceProperty("connectTimeout", "2");
        config.addDataSourceProperty("socketTimeout", "30");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("ApplicationName", "roomcast");
        return new Database(new HikariDataSource(config), settings);
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** Creates or migrates the schema (Flyway, under its lock in the database: safe from several callers). */
    public void migrate() {
        Schema.migrate(dataSource);
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /**
     * A connection that listens on {@code channels}, held for as long as the listener runs (notifications
     * reach only the session that listens): one outside Roomcast's own pool with {@code roomcast.store.url},
     * one of the server's pool with {@code roomcast.store.datasource} (returned to it, no longer listening,
     * when closed).
     */
    public ListeningConnection listen(String... channels) throws SQLException {
        return ListeningConnection.listen(dedicated(), settings.url().isEmpty(), channels);
    }

    private Connection dedicated() throws SQLException {
        if (settings.url().isEmpty()) {
            return dataSource.getConnection(); // the server's pool: held, and returned when the listener stops
        }
        Properties properties = new Properties();
        settings.user().ifPresent(u -> properties.setProperty("user", u));
        settings.password().ifPresent(p -> properties.setProperty("password", p));
        properties.setProperty("connectTimeout", "2");
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", "roomcast-listener");
        return new org.postgresql.Driver().connect(settings.url().get(), properties);
    }

    /** Statements that run in one transaction ({@link #inTransaction}). */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction on {@code connection}: committed when it returns, rolled back
     * when it throws (what it threw is what the caller sees, not a rollback's own failure on a connection
     * that broke); the connection's auto-commit as it was afterwards.
     */
    public static <T> T inTransaction(Connection connection, Work<T> work) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        T result;
        try {
            result = work.run();
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
                connection.setAutoCommit(autoCommit);
            } catch (SQLException broken) {
                e.addSuppressed(broken); // the transaction died with the connection; the pool drops it
            }
            throw e;
        }
        connection.setAutoCommit(autoCommit);
        return result;
    }

    @Override
    public void close() {
        if (dataSource instanceof HikariDataSource own) {
            own.close();
        }
        // The WAR's driver registered itself with DriverManager: unregister it, so an undeploy frees the WAR.
        // (Not where the JVM's own class loader holds it, as in a test: others in the JVM use it too.)
        ClassLoader ours = Database.class.getClassLoader();
        if (ours == ClassLoader.getSystemClassLoader()) {
            return;
        }
        java.util.Collections.list(java.sql.DriverManager.getDrivers()).stream()
                .filter(driver -> driver.getClass().getClassLoader() == ours)
                .forEach(driver -> {
                    try {
                        java.sql.DriverManager.deregisterDriver(driver);
                    } catch (SQLException ignored) {
                        // not registered after all
                    }
                });
    }
}
