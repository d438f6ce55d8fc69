package io.roomcast.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * What every integration test on a shared server has: the server of its class's {@link Profile}
 * ({@link RoomcastServer}, default {@link Profile#DEFAULTS}), reached through {@link #server}.
 * Subclasses declare {@code @RoomcastServer(Profile.X)} when they need other settings.
 */
@RoomcastServer
public abstract class DeployedRoomcast {

    /** The base URI of the application, {@code http://host:port/}. */
    protected URI base;
    protected Server server;

    /** A token from dev mode's {@code POST /api/dev/tokens} (a dev-mode profile's server) for this JSON body. */
    protected String devToken(String body) throws Exception {
        HttpResponse<String> response = server.post("api/dev/tokens", body, Map.of());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return WsClient.parse(response.body()).getString("token");
    }

    void attach(Server shared) {
        this.server = shared;
        this.base = shared.base();
    }
}
