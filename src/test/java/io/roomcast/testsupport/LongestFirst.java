package io.roomcast.testsupport;

import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * The order the integration suite hands its classes to the workers (pom.xml,
 * {@code junit.jupiter.testclass.order.default}): the classes that start servers of their own and take
 * a minute or more (the clusters, the browser, the client library) begin with the run, so that the
 * suite does not end with one of them running alone; then every other class, by name.
 *
 * <p>JUnit's parallel executor forks the classes in this order; the other workers take them from the
 * front, while the worker that forked them runs them from the back. So the last of {@link #LONGEST}
 * goes at the very end, and the others at the front, longest first.
 */
public final class LongestFirst implements ClassOrderer {

    /** By the time of the last runs (seconds on Payara Micro), longest first. */
    static final List<String> LONGEST = List.of(
            "io.roomcast.cluster.ClusterHealIT",    // with ClusterStreamIT on the shared cluster: one after the other
            "io.roomcast.demo.DemoPageIT",
            "io.roomcast.cluster.ClusterIT",        // not with the shared cluster's boot: seven Payara boots at once
            "io.roomcast.cluster.ClusterStreamIT",
            "io.roomcast.tracing.TracingIT",        // three servers of its own, about 3 minutes
            "io.roomcast.demo.DemoPageDurableRestartIT", // a server of its own, killed and started again
            "io.roomcast.admin.AdminPageIT",        // a server of its own and the browser
            "io.roomcast.durable.ServerDataSourceIT", // two servers of its own
            "io.roomcast.durable.ServiceAcrossRuntimesIT", // WildFly pass: a Payara Micro and a WildFly of its own
            "io.roomcast.durable.DurableRoomsIT",   // restarts its servers
            "io.roomcast.client.ClientLibraryIT");  // at the back: the forking worker starts it at once

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator.comparingInt(LongestFirst::rank)
                .thenComparing(d -> d.getTestClass().getName()));
    }

    /** 0.. for the long ones at the front, then the rest, then the last long one. */
    private static int rank(ClassDescriptor descriptor) {
        int index = LONGEST.indexOf(descriptor.getTestClass().getName());
        if (index < 0) {
            return LONGEST.size() - 1;
        }
        return index == LONGEST.size() - 1 ? LONGEST.size() : index;
    }
}
