package io.roomcast.tracing;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.CDI;
import java.lang.System.Logger.Level;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Chooses the {@link Tracer}, once: {@link OpenTelemetryTracer} when {@code otel.sdk.disabled=false}
 * (MicroProfile Telemetry's switch, true by default) and the server lets the application see the
 * OpenTelemetry API and gives it an {@code OpenTelemetry} bean (Payara's MicroProfile Telemetry; WildFly's
 * {@code opentelemetry} and {@code microprofile-telemetry} subsystems); {@link Tracer#OFF} otherwise. The
 * OpenTelemetry classes are reached by name, so a server without them loads none of them and deploys
 * the same WAR untraced. The export itself (OTLP endpoint, protocol, sampler) is the server's, configured
 * by the standard {@code otel.*} keys.
 */
@ApplicationScoped
public class TracerProducer {

    static final String DISABLED_KEY = "otel.sdk.disabled";
    static final String OPEN_TELEMETRY = "io.opentelemetry.api.OpenTelemetry";
    static final String ADAPTER = "io.roomcast.tracing.OpenTelemetryTracer";
    private static final System.Logger LOG = System.getLogger(TracerProducer.class.getName());

    private volatile Tracer tracer;

    /** Dependent: the chosen tracer itself is injected, no client proxy between a hook and it. */
    @Produces
    Tracer tracer() {
        Tracer chosen = tracer;
        if (chosen == null) {
            chosen = choose();
            tracer = chosen;
        }
        return chosen;
    }

    private static Tracer choose() {
        Config config = ConfigProvider.getConfig();
        boolean disabled = config.getOptionalValue(DISABLED_KEY, Boolean.class).orElse(true);
        if (disabled) {
            LOG.log(Level.INFO, "tracing off (" + DISABLED_KEY + "=true, the default)");
            return Tracer.OFF;
        }
        ClassLoader loader = TracerProducer.class.getClassLoader();
        try {
            Class<?> api = Class.forName(OPEN_TELEMETRY, false, loader);
            Object openTelemetry = CDI.current().select(api).get();
            Tracer adapter = (Tracer) Class.forName(ADAPTER, true, loader).getDeclaredConstructor(Object.class)
                    .newInstance(openTelemetry);
            LOG.log(Level.INFO, "tracing on: spans exported by the server's OpenTelemetry (otel.* settings)");
            return adapter;
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.log(Level.WARNING, DISABLED_KEY + "=false but this server gives applications no OpenTelemetry API "
                    + "(see docs/DEPLOYMENT.md, \"Tracing\"): tracing off");
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.WARNING, DISABLED_KEY + "=false but no OpenTelemetry bean here (" + e
                    + "; see docs/DEPLOYMENT.md, \"Tracing\"): tracing off");
        }
        return Tracer.OFF;
    }
}
