package io.roomcast.platform;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/** The deployment's send path is probed from the container that serves the sessions, once. */
class DeploymentSendPathTest {

    private static Session servedBy(WebSocketContainer container) {
        return (Session) Proxy.newProxyInstance(DeploymentSendPathTest.class.getClassLoader(),
                new Class<?>[] {Session.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getContainer" -> container;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void theSendPathIsProbedOnceFromTheContainerServingTheSessions() {
        // The Tyrus client container on the test class path is named like Payara's server container.
        WebSocketContainer tyrus = ContainerProvider.getWebSocketContainer();
        DeploymentSendPath deployment = new DeploymentSendPath();

        SendPath first = deployment.of(servedBy(tyrus));

        assertThat(first.direct()).isTrue();
        assertThat(deployment.of(servedBy(tyrus))).isSameAs(first);
    }

    @Test
    void aSessionWithoutAKnownContainerTakesTheStandardPath() {
        assertThat(new DeploymentSendPath().of(servedBy(null))).isSameAs(SendPath.STANDARD);
    }
}
