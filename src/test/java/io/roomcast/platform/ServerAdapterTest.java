package io.roomcast.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

class ServerAdapterTest {

    @Test
    void optionalMicroProfileApisAreFoundOnlyWhereTheClassLoaderSeesThem() {
        // The test class path has the MicroProfile APIs (provided scope), as Payara does.
        assertThat(ServerAdapter.present(ServerAdapter.MP_METRICS, getClass().getClassLoader())).isTrue();
        assertThat(ServerAdapter.present(ServerAdapter.MP_HEALTH, getClass().getClassLoader())).isTrue();
        // A loader that sees only the JDK, as WildFly's deployment loader sees no MicroProfile Metrics.
        ClassLoader bare = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader());
        assertThat(ServerAdapter.describe(null, bare))
                .isEqualTo("no WebSocket; MicroProfile Metrics absent, MicroProfile Health absent;"
                        + " Roomcast figures at /api/metrics");
    }

    @Test
    void theWebSocketImplementationIsToldByTheContainersClassName() {
        // The Tyrus client is on the test class path; its container's class names Tyrus as the server's does.
        assertThat(ServerAdapter.webSocketImplementation(
                jakarta.websocket.ContainerProvider.getWebSocketContainer())).isEqualTo("Tyrus");
        assertThat(ServerAdapter.webSocketImplementation(new Object())).isEqualTo("java.lang.Object");
    }
}
