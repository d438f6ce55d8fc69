package io.roomcast.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;

/**
 * Hands each {@link DeployedRoomcast} test instance the shared server of its class's profile, booting
 * it on first use. The pool lives in the root context's store, so it outlives every class and is
 * closed once, after the last test of the run.
 */
public final class SharedServers implements TestInstancePostProcessor {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedServers.class);

    @Override
    public void postProcessTestInstance(Object instance, ExtensionContext context) {
        if (!(instance instanceof DeployedRoomcast test)) {
            throw new IllegalStateException(instance.getClass() + " is annotated @RoomcastServer but does not extend DeployedRoomcast");
        }
        LeftoverProcesses.checkAtEnd(context); // stored before the pool: checks after the pool stopped its servers
        ServerPool pool = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(ServerPool.class, type -> new ServerPool(TargetServer.current()), ServerPool.class);
        test.attach(pool.server(profileOf(context.getRequiredTestClass())));
    }

    static Profile profileOf(Class<?> testClass) {
        for (Class<?> type = testClass; type != null; type = type.getSuperclass()) {
            RoomcastServer server = type.getAnnotation(RoomcastServer.class);
            if (server != null) {
                return server.value();
            }
        }
        return Profile.DEFAULTS;
    }
}
