package io.roomcast.testsupport;

import java.util.Set;
import org.junit.jupiter.api.parallel.ResourceLocksProvider;

/** One lock per settings profile: the classes sharing a server never run at the same time. */
public final class ProfileLock implements ResourceLocksProvider {

    @Override
    public Set<Lock> provideForClass(Class<?> testClass) {
        return Set.of(new Lock("roomcast-server-" + SharedServers.profileOf(testClass).name()));
    }
}
