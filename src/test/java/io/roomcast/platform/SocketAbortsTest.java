package io.roomcast.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.scheduling.ApplicationScheduler;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When a session's TCP connection is reset (PROTOCOL 13.7); the resets themselves are the ITs' (SlowConsumerIT). */
class SocketAbortsTest {

    private final ApplicationScheduler scheduler = new ApplicationScheduler();
    private final SocketAborts aborts = new SocketAborts(scheduler);

    /** An abort that counts its calls and answers whether the connection was still open. */
    private static final class CountingAbort implements SocketAbort {
        final AtomicInteger calls = new AtomicInteger();
        private final boolean open;

        CountingAbort(boolean open) {
            this.open = open;
        }

        @Override
        public boolean abort() {
            calls.incrementAndGet();
            return open;
        }
    }

    @AfterEach
    void stop() {
        scheduler.close();
    }

    @Test
    void aConnectionStillOpenAtItsDeadlineIsResetAndCounted() {
        CountingAbort open = new CountingAbort(true);
        AtomicInteger resets = new AtomicInteger();
        aborts.abortAt(open, System.nanoTime(), resets::incrementAndGet);
        await().atMost(Duration.ofSeconds(10)).until(() -> resets.get() == 1);
        assertThat(open.calls).hasValue(1);
    }

    @Test
    void aConnectionClosedByItsDeadlineIsNotCounted() {
        CountingAbort closed = new CountingAbort(false);
        AtomicInteger resets = new AtomicInteger();
        aborts.abortAt(closed, System.nanoTime(), resets::incrementAndGet);
        await().atMost(Duration.ofSeconds(10)).until(() -> closed.calls.get() == 1);
        // A fence: a task scheduled after it has run, so the first one finished.
        CountingAbort fence = new CountingAbort(true);
        aborts.abortAt(fence, System.nanoTime(), () -> { });
        await().atMost(Duration.ofSeconds(10)).until(() -> fence.calls.get() == 1);
        assertThat(resets).hasValue(0);
    }

    @Test
    void aSessionOfAServerRoomcastDoesNotAdaptToHasNoAbort() {
        Session other = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
        assertThat(aborts.forSession(other)).isSameAs(SocketAbort.NONE);
        assertThat(SocketAbort.NONE.abort()).isFalse();
    }

    @Test
    void theImplementationsInitRunsOnceWithinIt() {
        int[] ran = new int[1];
        aborts.initializing(new OtherServersConnection(), () -> ran[0]++);
        assertThat(ran[0]).isEqualTo(1);
    }

    /** A Catalina-less upgraded connection. */
    private static final class OtherServersConnection implements jakarta.servlet.http.WebConnection {
        @Override
        public jakarta.servlet.ServletInputStream getInputStream() {
            throw new UnsupportedOperationException();
        }

        @Override
        public jakarta.servlet.ServletOutputStream getOutputStream() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }
}
