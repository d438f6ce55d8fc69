package io.roomcast.testsupport;

import java.net.URL;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every Arquillian integration test shares: it runs as a client of the deployed WAR and
 * reaches it through {@link #server}. Subclasses only declare their {@code @Deployment}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public abstract class DeployedRoomcast {

    @ArquillianResource
    protected URL url;
    protected Server server;

    @BeforeEach
    void locateServer() {
        server = Server.at(url);
    }
}
