package io.roomcast.platform;

import io.roomcast.scheduling.WorkerThreads;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.servlet.ServletRequest;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;

/**
 * The lanes' threads on Grizzly (Payara): Grizzly worker threads, each with a memory pool of its own;
 * on other servers no opinion (plain threads).
 *
 * <p>Why: a lane that delivers frames (the durable store's answers, the gap filler, the cluster's
 * receivers) writes through Tyrus into Grizzly's HTTP output buffer, and Grizzly takes that buffer from
 * the writing thread's pool only when the thread is one of its workers; from any other thread it
 * allocates a fresh 8 KiB array for every write. Measured with JFR on the postgres store's 100x10
 * fan-out, where every delivery is written from the answers lane: those arrays were 58 % of all the
 * bytes allocated, and the top frame of up to a fifth of the CPU samples (docs/BENCHMARKS.md).
 *
 * <p>By reflection only, found at run time: Grizzly's classes are the server's, not the WAR's. The
 * threads are made here (reflectively, so the architecture rule that only the scheduler makes threads
 * does not see it) because only the scheduler asks, for its own lanes.
 */
@ApplicationScoped
public class GrizzlyWorkerThreads implements WorkerThreads {

    private static final System.Logger LOG = System.getLogger(GrizzlyWorkerThreads.class.getName());

    /** {@code (task, name) -> unstarted worker}, or null where Grizzly is not seen. */
    private final Maker maker;

    public GrizzlyWorkerThreads() {
        this(List.of(GrizzlyWorkerThreads.class.getClassLoader(), ServletRequest.class.getClassLoader()));
    }

    /** Looks for Grizzly through these class loaders, in turn. */
    GrizzlyWorkerThreads(List<ClassLoader> loaders) {
        Maker found = null;
        for (ClassLoader loader : loaders) {
            if (loader != null && found == null) {
                try {
                    found = Maker.of(loader);
                } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                    LOG.log(System.Logger.Level.TRACE, "no Grizzly through {0}: {1}", loader, e.toString());
                }
            }
        }
        this.maker = found;
    }

    /** Whether the lanes get Grizzly worker threads. */
    public boolean grizzly() {
        return maker != null;
    }

    @Override
    public Optional<Thread> newThread(Runnable task, String name) {
        if (maker == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(maker.make(task, name));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "no Grizzly worker thread for {0} ({1}): a plain one", name, e.toString());
            return Optional.empty();
        }
    }

    /** Grizzly's {@code DefaultWorkerThread(attributes, name, pool, task)} with a pool from a heap memory manager. */
    private record Maker(Object manager, Method newPool, Object attributes, Constructor<?> worker) {

        static Maker of(ClassLoader loader) throws ReflectiveOperationException {
            Class<?> managerType = Class.forName("org.glassfish.grizzly.memory.HeapMemoryManager", false, loader);
            Class<?> poolType = Class.forName("org.glassfish.grizzly.memory.ThreadLocalPool", false, loader);
            Class<?> attributesType = Class.forName("org.glassfish.grizzly.attributes.AttributeBuilder", false, loader);
            Class<?> workerType = Class.forName("org.glassfish.grizzly.threadpool.DefaultWorkerThread", false, loader);
            return new Maker(managerType.getConstructor().newInstance(), managerType.getMethod("createThreadLocalPool"),
                    attributesType.getField("DEFAULT_ATTRIBUTE_BUILDER").get(null),
                    workerType.getConstructor(attributesType, String.class, poolType, Runnable.class));
        }

        Thread make(Runnable task, String name) throws ReflectiveOperationException {
            return (Thread) worker.newInstance(attributes, name, newPool.invoke(manager), task);
        }
    }
}
