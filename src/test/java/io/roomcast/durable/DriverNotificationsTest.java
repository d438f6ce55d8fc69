package io.roomcast.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.roomcast.durable.ListeningConnection.Notice;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * How notifications are read from connections as servers hand them out, without a server: pgjdbc loaded a
 * second time by a class loader of its own stands for the server's driver (a WildFly module, a Payara
 * library), whose {@code PGConnection} is not the WAR's; proxies stand for its connection and for the
 * pools' wrappers, with the accessors IronJacamar and Payara's JDBC adapter have.
 */
class DriverNotificationsTest {

    /** IronJacamar's WrappedConnection (WildFly): the connection it wraps by {@code getUnderlyingConnection()}. */
    public interface IronJacamarStyle extends Connection {
        Connection getUnderlyingConnection();
    }

    /** GlassFish/Payara's ConnectionHolder: the connection it holds by {@code getConnection()}. */
    public interface ConnectionHolderStyle extends Connection {
        Connection getConnection();
    }

    private URLClassLoader serverLoader;

    @BeforeEach
    void loadTheDriverASecondTime() {
        URL jar = PGConnection.class.getProtectionDomain().getCodeSource().getLocation();
        serverLoader = new URLClassLoader(new URL[] {jar}, ClassLoader.getPlatformClassLoader());
    }

    @AfterEach
    void close() throws Exception {
        serverLoader.close();
    }

    @Test
    void theWarsOwnDriverIsReadThroughItsPgConnection() throws Exception {
        ClassLoader war = PGConnection.class.getClassLoader();
        Connection driver = driverConnection(war, notifications(war, "roomcast_room", "7:3:a", "roomcast_bus", "x"));
        assertThat(DriverNotifications.interfaceNamed(driver.getClass(), DriverNotifications.PG_CONNECTION))
                .isSameAs(PGConnection.class);

        DriverNotifications.Reader reader = DriverNotifications.of(driver);
        assertThat(reader.read(500))
                .containsExactly(new Notice("roomcast_room", "7:3:a"), new Notice("roomcast_bus", "x"));
        assertThat(reader.way()).isEqualTo("through the WAR's PGConnection");
    }

    @Test
    void aServersDriverBehindIronJacamarsWrapperIsReachedByGetUnderlyingConnection() throws Exception {
        Connection driver = driverConnection(serverLoader, notifications(serverLoader, "roomcast_outbox", ""));
        Connection wrapper = ironJacamar(driver);
        assertThat(wrapper.isWrapperFor(PGConnection.class)).as("the WAR's PGConnection is not the server's").isFalse();

        DriverNotifications.Reader reader = DriverNotifications.of(wrapper);
        assertThat(reader.read(500)).containsExactly(new Notice("roomcast_outbox", ""));
        assertThat(reader.way()).startsWith("by reflection on the server's driver")
                .contains(wrapper.getClass().getName() + " wrapping " + driver.getClass().getName());
    }

    @Test
    void aServersDriverBehindPayarasConnectionHolderIsReachedByGetConnection() throws Exception {
        Connection driver = driverConnection(serverLoader, notifications(serverLoader, "roomcast_bus", "event"));

        assertThat(DriverNotifications.of(payara(driver)).read(500)).containsExactly(new Notice("roomcast_bus", "event"));
    }

    @Test
    void wrappersAroundWrappersAreFollowed() throws Exception {
        Connection driver = driverConnection(serverLoader, notifications(serverLoader, "roomcast_bus", "deep"));

        assertThat(DriverNotifications.of(payara(ironJacamar(driver))).read(500))
                .containsExactly(new Notice("roomcast_bus", "deep"));
    }

    @Test
    void aWrapperWhoseOwnLoaderSeesTheDriverIsUnwrappedToTheDriversInterface() throws Exception {
        Connection driver = driverConnection(serverLoader, notifications(serverLoader, "roomcast_room", "1:1:b"));
        Class<?> serverPg = Class.forName(DriverNotifications.PG_CONNECTION, false, serverLoader);
        // no accessor: only unwrap, with the PGConnection its own (the server's) class loader sees
        Connection wrapper = (Connection) Proxy.newProxyInstance(serverLoader, new Class<?>[] {Connection.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "isWrapperFor" -> args[0] == serverPg;
                    case "unwrap" -> {
                        if (args[0] != serverPg) {
                            throw new SQLException("Not a wrapper for: " + args[0]);
                        }
                        yield driver;
                    }
                    default -> objectMethod(proxy, method.getName(), args);
                });

        assertThat(DriverNotifications.of(wrapper).read(500)).containsExactly(new Notice("roomcast_room", "1:1:b"));
    }

    @Test
    void noNotificationsIsAnEmptyList() throws Exception {
        Connection driver = driverConnection(serverLoader, () -> null); // pgjdbc returns null when none came

        assertThat(DriverNotifications.of(ironJacamar(driver)).read(500)).isEmpty();
    }

    @Test
    void aBrokenConnectionsFailureReachesTheListenerAsItsOwnSqlException() throws Exception {
        SQLException broken = new SQLException("An I/O error occurred while sending to the backend.", "08006");
        Connection driver = driverConnection(serverLoader, () -> {
            throw broken;
        });
        DriverNotifications.Reader reader = DriverNotifications.of(payara(driver));

        assertThatThrownBy(() -> reader.read(500)).isSameAs(broken);
    }

    @Test
    void eachReadWaitsAsLongAsAsked() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        Connection driver = driverConnection(serverLoader, asked, () -> null);
        DriverNotifications.of(ironJacamar(driver)).read(1_000);

        assertThat(asked).hasValue(1_000);
    }

    @Test
    void aConnectionThatGivesNoAccessToTheDriverIsRefusedNamingWhatWrapsIt() {
        Connection opaque = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "isWrapperFor" -> false;
                    case "unwrap" -> throw new SQLException("Not a wrapper");
                    default -> objectMethod(proxy, method.getName(), args);
                });

        assertThatThrownBy(() -> DriverNotifications.of(opaque)).isInstanceOf(SQLException.class)
                .hasMessageContaining(opaque.getClass().getName())
                .hasMessageContaining("use roomcast.store.url");
    }

    // ---- stand-ins

    /** What a {@code getNotifications} call returns (an array of the loader's PGNotification, or null). */
    @FunctionalInterface
    private interface Batch {
        Object next() throws SQLException;
    }

    private Batch notifications(ClassLoader loader, String... channelsAndPayloads) throws Exception {
        Class<?> type = Class.forName("org.postgresql.PGNotification", false, loader);
        Class<?> implementation = Class.forName("org.postgresql.core.Notification", false, loader);
        Object batch = Array.newInstance(type, channelsAndPayloads.length / 2);
        for (int i = 0; i < channelsAndPayloads.length; i += 2) {
            Array.set(batch, i / 2, implementation.getConstructor(String.class, int.class, String.class)
                    .newInstance(channelsAndPayloads[i], 4242, channelsAndPayloads[i + 1]));
        }
        return () -> batch;
    }

    private static Connection driverConnection(ClassLoader loader, Batch batch) throws Exception {
        return driverConnection(loader, new AtomicInteger(), batch);
    }

    /** A driver's connection: implements that loader's {@code org.postgresql.PGConnection}. */
    private static Connection driverConnection(ClassLoader loader, AtomicInteger asked, Batch batch) throws Exception {
        Class<?> pg = Class.forName(DriverNotifications.PG_CONNECTION, false, loader);
        InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
            case "getNotifications" -> {
                asked.set(args == null ? -1 : (Integer) args[0]);
                yield batch.next();
            }
            case "isWrapperFor" -> ((Class<?>) args[0]).isInstance(proxy);
            case "unwrap" -> {
                if (!((Class<?>) args[0]).isInstance(proxy)) {
                    throw new SQLException("Cannot unwrap to " + ((Class<?>) args[0]).getName());
                }
                yield proxy;
            }
            default -> objectMethod(proxy, method.getName(), args);
        };
        return (Connection) Proxy.newProxyInstance(loader, new Class<?>[] {pg, Connection.class}, handler);
    }

    /** As IronJacamar's JBossWrapper: unwrap only to what it or the wrapped connection is. */
    private static Connection ironJacamar(Connection wrapped) {
        return (Connection) Proxy.newProxyInstance(DriverNotificationsTest.class.getClassLoader(),
                new Class<?>[] {IronJacamarStyle.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getUnderlyingConnection" -> wrapped;
                    case "isWrapperFor" -> ((Class<?>) args[0]).isInstance(proxy) || wrapped.isWrapperFor((Class<?>) args[0]);
                    case "unwrap" -> {
                        Class<?> type = (Class<?>) args[0];
                        if (type.isInstance(proxy)) {
                            yield proxy;
                        }
                        if (type.isInstance(wrapped)) {
                            yield wrapped;
                        }
                        throw new SQLException("Not a wrapper for: " + type.getName());
                    }
                    default -> objectMethod(proxy, method.getName(), args);
                });
    }

    /** As Payara's ConnectionHolder40: unwrap delegates to the held connection. */
    private static Connection payara(Connection held) {
        return (Connection) Proxy.newProxyInstance(DriverNotificationsTest.class.getClassLoader(),
                new Class<?>[] {ConnectionHolderStyle.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getConnection" -> held;
                    case "isWrapperFor" -> ((Class<?>) args[0]).isInstance(proxy) || held.isWrapperFor((Class<?>) args[0]);
                    case "unwrap" -> ((Class<?>) args[0]).isInstance(proxy) ? proxy : held.unwrap((Class<?>) args[0]);
                    default -> objectMethod(proxy, method.getName(), args);
                });
    }

    private static Object objectMethod(Object proxy, String name, Object[] args) {
        return switch (name) {
            case "toString" -> proxy.getClass().getName();
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> throw new UnsupportedOperationException(name);
        };
    }
}
