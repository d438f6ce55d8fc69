package io.roomcast.observability;

import io.roomcast.connection.ConnectionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * MicroProfile Health: {@code /health/live} and {@code /health/ready}. Readiness is the same answer
 * as {@code /api/health/ready} ({@link InstanceReadiness}): DOWN while draining for
 * shutdown, each condition in the check's data.
 */
@ApplicationScoped
public class HealthChecks {

    @Inject
    ConnectionRegistry connections;
    @Inject
    InstanceReadiness readiness;

    @Produces
    @Liveness
    HealthCheck live() {
        return () -> HealthCheckResponse.named("roomcast").up().build();
    }

    @Produces
    @Readiness
    HealthCheck ready() {
        return () -> {
            InstanceReadiness.Report report = readiness.report();
            HealthCheckResponseBuilder response = HealthCheckResponse.named("roomcast-websocket")
                    .withData("connections", connections.size()).status(report.ready());
            report.conditions().forEach(response::withData);
            return response.build();
        };
    }
}
