package io.roomcast.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.connection.CloseReasons;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How sessions that never became connections end. */
class ConnectionLifecycleTest {

    private final List<CloseReason> closes = new ArrayList<>();
    private final Map<String, Object> userProperties = new HashMap<>();

    private final Session session = (Session) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Session.class}, (proxy, method, args) -> switch (method.getName()) {
                case "getUserProperties" -> userProperties;
                case "getId" -> "s1";
                case "close" -> {
                    closes.add((CloseReason) args[0]);
                    yield null;
                }
                default -> throw new UnsupportedOperationException(method.getName());
            });

    @Test
    void aSessionThatFailsBeforeItIsRegisteredIsClosedWith1011() {
        ConnectionLifecycle lifecycle = new ConnectionLifecycle(null, null, null, null, null, null, null, null, null, null);

        lifecycle.failed(session, new IllegalStateException("open threw"));

        assertThat(closes).containsExactly(CloseReasons.SERVER_ERROR);
    }
}
