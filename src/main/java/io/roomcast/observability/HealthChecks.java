package io.roomcast.observability;

import io.roomcast.connection.ConnectionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** MicroProfile Health: {@code /health/live} and {@code /health/ready}. */
@ApplicationScoped
public class HealthChecks {

    @Inject
    ConnectionRegistry registry;

    @Produces
    @Liveness
    HealthCheck live() {
        return () -> HealthCheckResponse.named("roomcast").up().build();
    }

    @Produces
    @Readiness
    HealthCheck ready() {
        return () -> HealthCheckResponse.named("roomcast-websocket")
                .withData("connections", registry.size()).up().build();
    }
}
