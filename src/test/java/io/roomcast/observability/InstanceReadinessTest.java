package io.roomcast.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.connection.ConnectionRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Readiness is UP only while every condition holds (PROTOCOL 13.11). */
class InstanceReadinessTest {

    private static ReadinessCondition condition(String name, boolean met) {
        return new ReadinessCondition() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean met() {
                return met;
            }
        };
    }

    @Test
    void readyOnlyWhenEveryConditionHoldsEachReportedByName() {
        InstanceReadiness.Report down = new InstanceReadiness(List.of(condition("room-store", true),
                condition("accepting-connections", false))).report();
        assertThat(down.ready()).isFalse();
        assertThat(down.conditions()).containsExactly(java.util.Map.entry("accepting-connections", false),
                java.util.Map.entry("room-store", true));

        assertThat(new InstanceReadiness(List.of(condition("a", true), condition("b", true))).report().ready()).isTrue();
        assertThat(new InstanceReadiness(List.of()).report().ready()).isTrue();
    }

    @Test
    void acceptingConnectionsFailsOnceTheRegistryStopsAccepting() {
        ConnectionRegistry registry = new ConnectionRegistry();
        ReadinessCondition accepting = new AcceptingConnections(registry);
        assertThat(accepting.met()).isTrue();

        registry.stopAccepting();

        assertThat(accepting.met()).isFalse();
        assertThat(new InstanceReadiness(List.of(accepting)).report().ready()).isFalse();
    }
}
