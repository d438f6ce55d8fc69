package io.roomcast.observability;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * {@code GET /api/health/ready}: Roomcast's readiness on every server, on the application's own port
 * (WildFly as shipped has no MicroProfile Health, and its own health is on the management port). 200
 * {@code {"status":"UP",...}} or 503 {@code {"status":"DOWN",...}}, the shape of MicroProfile
 * Health's answer, with one check per {@link ReadinessCondition}. Open like {@code /api/metrics}: a
 * load balancer probes it without credentials, and it tells nothing but up or down.
 */
@Path("/health/ready")
@RequestScoped
public class ReadinessResource {

    @JsonbPropertyOrder({"name", "status"})
    public record Check(String name, String status) {
    }

    @JsonbPropertyOrder({"status", "checks"})
    public record Body(String status, List<Check> checks) {
    }

    @Inject
    InstanceReadiness readiness;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response ready() {
        InstanceReadiness.Report report = readiness.report();
        List<Check> checks = report.conditions().entrySet().stream()
                .map(c -> new Check(c.getKey(), status(c.getValue()))).toList();
        return Response.status(report.ready() ? 200 : 503)
                .header("Cache-Control", "no-store")
                .entity(new Body(status(report.ready()), checks)).build();
    }

    private static String status(boolean up) {
        return up ? "UP" : "DOWN";
    }
}
