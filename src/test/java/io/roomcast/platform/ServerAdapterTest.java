package io.roomcast.platform;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.websocket.ContainerProvider;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.glassfish.tyrus.core.BaseContainer;
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

    @Test
    void aTyrusContainerRunsItsSessionTimersOnTheGivenScheduler() {
        // The Tyrus client's container shares the server container's base class, and so its field.
        BaseContainer tyrus = (BaseContainer) ContainerProvider.getWebSocketContainer();
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        try {
            assertThat(ServerAdapter.replaceSessionTimers(tyrus, timers)).isTrue();
            assertThat(tyrus.getScheduledExecutorService()).isSameAs(timers);
        } finally {
            timers.shutdownNow();
        }
    }

    @Test
    void sessionTimersOfAnyOtherContainerAreLeftAlone() {
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        try {
            assertThat(ServerAdapter.replaceSessionTimers(new Object(), timers)).isFalse();
            assertThat(ServerAdapter.replaceSessionTimers(null, timers)).isFalse();
        } finally {
            timers.shutdownNow();
        }
    }
}
