package io.roomcast.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * What a listening connection says to the database: LISTEN on each channel once it knows how to read
 * them, and before a pooled connection goes back to the server's pool, UNLISTEN (a pooled connection
 * left listening would collect every notification for its next users). Stand-in connections record the
 * statements; the real ones run in DurableRoomsIT, PostgresBusIT and ServerDataSourceIT.
 */
class ListeningConnectionTest {

    private final List<String> said = new ArrayList<>();

    @Test
    void listensOnEachChannel() throws Exception {
        ListeningConnection.listen(connection(PGConnection.class), false, "roomcast_room", "roomcast_bus");

        assertThat(said).containsExactly("LISTEN roomcast_room", "LISTEN roomcast_bus");
    }

    @Test
    void aPooledConnectionStopsListeningBeforeItGoesBackToThePool() throws Exception {
        ListeningConnection.listen(connection(PGConnection.class), true, "roomcast_outbox").close();

        assertThat(said).containsExactly("LISTEN roomcast_outbox", "UNLISTEN *", "close");
    }

    @Test
    void aConnectionOfItsOwnIsClosedForGoodWhichEndsItsListening() throws Exception {
        ListeningConnection.listen(connection(PGConnection.class), false, "roomcast_outbox").close();

        assertThat(said).containsExactly("LISTEN roomcast_outbox", "close");
    }

    @Test
    void aConnectionWhoseNotificationsCannotBeReadIsNeverLeftListeningAndIsClosed() {
        assertThatThrownBy(() -> ListeningConnection.listen(connection(Connection.class), true, "roomcast_bus"))
                .isInstanceOf(SQLException.class).hasMessageContaining("roomcast.store.url");

        assertThat(said).containsExactly("close");
    }

    @Test
    void aChannelNameIsNeverPastedIntoSqlUnchecked() {
        assertThatThrownBy(() -> ListeningConnection.listen(connection(PGConnection.class), false, "x; DROP TABLE y"))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(said).doesNotContain("LISTEN x; DROP TABLE y").contains("close");
    }

    /** A connection that records what it is told; a PostgreSQL one when {@code type} is PGConnection. */
    private Connection connection(Class<?> type) {
        Class<?>[] types = type == Connection.class ? new Class<?>[] {Connection.class} : new Class<?>[] {type, Connection.class};
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), types,
                (proxy, method, args) -> switch (method.getName()) {
                    case "createStatement" -> statement();
                    case "isWrapperFor" -> ((Class<?>) args[0]).isInstance(proxy);
                    case "unwrap" -> proxy;
                    case "isClosed" -> said.contains("close");
                    case "close" -> said.add("close") ? null : null;
                    case "toString" -> "recording connection";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private Statement statement() {
        return (Statement) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Statement.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "execute" -> said.add((String) args[0]) && false;
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
