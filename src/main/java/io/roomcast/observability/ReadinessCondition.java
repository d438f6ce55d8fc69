package io.roomcast.observability;

/**
 * One thing an instance needs before a load balancer may send it new clients (PROTOCOL 13.11):
 * not draining for shutdown ({@link AcceptingConnections}), and later a reachable room store
 * (section 14). Every CDI bean of this type is asked by {@link InstanceReadiness}; adding a condition is
 * adding a bean.
 */
public interface ReadinessCondition {

    /** Its name in readiness answers, lower case with hyphens: {@code accepting-connections}. */
    String name();

    /** Whether it holds now. Asked on every readiness probe: cheap, and never blocking. */
    boolean met();
}
