package io.roomcast.observability;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether this instance should get new clients: UP only while every {@link ReadinessCondition}
 * holds. One answer for both readiness endpoints, MicroProfile Health's {@code /health/ready} where
 * the server has it and Roomcast's own {@code /api/health/ready} on every server.
 */
@ApplicationScoped
public class InstanceReadiness {

    private final List<ReadinessCondition> conditions;

    @Inject
    public InstanceReadiness(Instance<ReadinessCondition> conditions) {
        this(conditions.stream().toList());
    }

    InstanceReadiness(List<ReadinessCondition> conditions) {
        this.conditions = List.copyOf(conditions);
    }

    /** For the CDI client proxy only. */
    protected InstanceReadiness() {
        this.conditions = List.of();
    }

    /** Each condition, by name in a stable order, and whether it holds now. */
    public Report report() {
        Map<String, Boolean> met = new LinkedHashMap<>();
        conditions.stream().sorted(Comparator.comparing(ReadinessCondition::name))
                .forEach(c -> met.put(c.name(), c.met()));
        return new Report(met);
    }

    /** The conditions asked and whether each held. */
    public record Report(Map<String, Boolean> conditions) {

        public Report {
            conditions = Collections.unmodifiableMap(new LinkedHashMap<>(conditions));
        }

        public boolean ready() {
            return !conditions.containsValue(Boolean.FALSE);
        }
    }
}
