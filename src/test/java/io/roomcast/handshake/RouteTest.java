package io.roomcast.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The route table matches the same templates the endpoints are deployed at. */
class RouteTest {

    @Test
    void aTemplateParameterMatchesOnePathSegment() {
        assertThat(Route.match("/ws/chat/7")).isEqualTo(new Route.Match(Route.CHAT, "7"));
        assertThat(Route.match("/ws/secure/x1")).isEqualTo(new Route.Match(Route.SECURE, "x1"));
        assertThat(Route.match("/ws/chat/7/8")).isNull();
        assertThat(Route.match("/ws/chat/")).isNull();
    }

    @Test
    void pathsWithoutParametersMatchExactly() {
        assertThat(Route.match("/ws/auth")).isEqualTo(new Route.Match(Route.AUTH, null));
        assertThat(Route.match("/ws/realtime")).isEqualTo(new Route.Match(Route.REALTIME, null));
        assertThat(Route.match("/ws/status")).isEqualTo(new Route.Match(Route.STATUS, null));
        assertThat(Route.match("/ws/statusx")).isNull();
    }
}
