package io.roomcast.scheduling;

import java.util.Optional;

/**
 * Threads of the server's own kind for the lanes, where the server writes faster from its own kind of
 * thread (platform/GrizzlyWorkerThreads, on Payara). The scheduler asks for each lane's one thread and
 * makes a plain one when the answer is empty; the lanes stay the scheduler's either way.
 */
public interface WorkerThreads {

    /** No opinion: every lane gets a plain thread. */
    WorkerThreads PLAIN = (task, name) -> Optional.empty();

    /** A new, unstarted thread of that name running {@code task}, or empty for a plain thread. */
    Optional<Thread> newThread(Runnable task, String name);
}
