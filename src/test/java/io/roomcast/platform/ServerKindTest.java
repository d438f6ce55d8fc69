package io.roomcast.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The server is told once, by the class of one of its objects. */
class ServerKindTest {

    @Test
    void tyrusIsToldByItsContainer() {
        assertThat(ServerKind.of(jakarta.websocket.ContainerProvider.getWebSocketContainer())).isEqualTo(ServerKind.TYRUS);
    }

    @Test
    void anythingElseIsOther() {
        assertThat(ServerKind.of(new Object())).isEqualTo(ServerKind.OTHER);
        assertThat(ServerKind.describe(new Object())).isEqualTo("java.lang.Object");
    }
}
