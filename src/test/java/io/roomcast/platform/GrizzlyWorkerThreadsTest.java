package io.roomcast.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.glassfish.grizzly.memory.HeapMemoryManager;
import org.glassfish.grizzly.memory.ThreadLocalPool;
import org.glassfish.grizzly.threadpool.DefaultWorkerThread;
import org.junit.jupiter.api.Test;

/** The test class path has Grizzly (in Tyrus's standalone client), as Payara has. */
class GrizzlyWorkerThreadsTest {

    @Test
    void whereGrizzlyIsSeenALaneThreadIsAGrizzlyWorkerThatAllocatesFromItsOwnPool() throws Exception {
        GrizzlyWorkerThreads threads = new GrizzlyWorkerThreads(List.of(ClassLoader.getPlatformClassLoader(),
                GrizzlyWorkerThreadsTest.class.getClassLoader()));
        AtomicReference<Integer> poolLeftAfter = new AtomicReference<>();
        AtomicReference<Integer> poolLeftBefore = new AtomicReference<>();
        Thread thread = threads.newThread(() -> {
            ThreadLocalPool<?> pool = ((DefaultWorkerThread) Thread.currentThread()).getMemoryPool();
            HeapMemoryManager manager = new HeapMemoryManager();
            manager.allocate(64).tryDispose(); // the pool's first chunk
            poolLeftBefore.set(pool.remaining());
            manager.allocate(1024);
            poolLeftAfter.set(pool.remaining());
        }, "roomcast-test").orElseThrow();

        thread.start();
        thread.join();

        assertThat(threads.grizzly()).isTrue();
        assertThat(thread).isInstanceOf(DefaultWorkerThread.class);
        assertThat(thread.getName()).isEqualTo("roomcast-test");
        assertThat(poolLeftBefore.get() - poolLeftAfter.get()).as("1 KiB taken from the thread's pool").isEqualTo(1024);
    }

    @Test
    void elsewhereItHasNoOpinionAndTheSchedulerMakesAPlainThread() {
        GrizzlyWorkerThreads threads = new GrizzlyWorkerThreads(List.of(ClassLoader.getPlatformClassLoader()));

        assertThat(threads.grizzly()).isFalse();
        assertThat(threads.newThread(() -> { }, "roomcast-test")).isEmpty();
    }
}
