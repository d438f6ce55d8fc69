package io.roomcast.platform;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Extension;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each server offers the send path, and where anything does not fit, the standard one. */
class SendPathTest {

    /** A session whose methods answer from the given values; anything else is not expected. */
    private static Session session(List<Extension> extensions, RemoteEndpoint.Async remote) {
        return (Session) Proxy.newProxyInstance(SendPathTest.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getNegotiatedExtensions" -> extensions;
                    case "getAsyncRemote" -> remote;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "test session";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static RemoteEndpoint.Async someRemote() {
        return (RemoteEndpoint.Async) Proxy.newProxyInstance(SendPathTest.class.getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> null);
    }

    @Test
    void withoutAKnownServerEverySessionTakesTheStandardPath() {
        assertThat(SendPath.probe(null)).isSameAs(SendPath.STANDARD);
        assertThat(SendPath.probe(new Object())).isSameAs(SendPath.STANDARD);
        assertThat(SendPath.STANDARD.direct()).isFalse();
        assertThat(SendPath.STANDARD.probeFailed()).isFalse();
        assertThat(SendPath.STANDARD.writerFor(session(List.of(), someRemote()))).isNull();
    }

    @Test
    void tyrusAsPayara6ShipsItHasWhatTheEncodeOncePathNeeds() {
        // The Tyrus client on the test class path is Tyrus 2.1.5, the core Payara Micro 6 ships; its
        // container is named like the server's.
        SendPath path = SendPath.probe(ContainerProvider.getWebSocketContainer());
        assertThat(path.direct()).isTrue();
        assertThat(path.probeFailed()).isFalse();
        assertThat(path.describe()).startsWith("Tyrus raw frames");
    }

    @Test
    void aServerWithoutTheExpectedClassesFallsBackToTheStandardPathAndSaysWhy() {
        ClassLoader jdkOnly = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader());
        SendPath tyrus = SendPath.probe(ServerKind.TYRUS, jdkOnly);
        assertThat(tyrus.direct()).isFalse();
        assertThat(tyrus.probeFailed()).isTrue();
        assertThat(tyrus.describe()).startsWith("standard RemoteEndpoint.Async").contains(TyrusWrites.REMOTE_ENDPOINT);

        // No Undertow on the test class path.
        SendPath undertow = SendPath.probe(ServerKind.UNDERTOW, getClass().getClassLoader());
        assertThat(undertow.direct()).isFalse();
        assertThat(undertow.probeFailed()).isTrue();
        assertThat(undertow.describe()).contains(UndertowWrites.SESSION);
        assertThat(undertow.writerFor(session(List.of(), someRemote()))).isNull();
    }

    @Test
    void aTyrusSessionWithANegotiatedExtensionOrAnUnknownRemoteTakesTheStandardPath() {
        SendPath tyrus = SendPath.probe(ServerKind.TYRUS, getClass().getClassLoader());
        assertThat(tyrus.direct()).isTrue();
        Extension deflate = (Extension) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Extension.class}, (proxy, method, args) -> "permessage-deflate");
        assertThat(tyrus.writerFor(session(List.of(deflate), someRemote()))).isNull();
        // Not Tyrus's remote endpoint: logged once, and the session still works, the standard way.
        assertThat(tyrus.writerFor(session(List.of(), someRemote()))).isNull();
        assertThat(tyrus.writerFor(session(List.of(), someRemote()))).isNull();
    }
}
