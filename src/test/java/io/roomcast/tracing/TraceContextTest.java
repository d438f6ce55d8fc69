package io.roomcast.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class TraceContextTest {

    @Test
    void aVersion00TraceparentIsValid() {
        assertThat(TraceContext.orNull("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(TraceContext.valid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")).as("not sampled").isTrue();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01"})
    void anythingElseIsNotAndIsIgnored(String value) {
        assertThat(TraceContext.valid(value)).isFalse();
        assertThat(TraceContext.orNull(value)).isNull();
    }

    @Test
    void withTracingOffEverySpanIsNoneAndCarriesNothing() {
        Span span = Tracer.OFF.start("roomcast.publish", Tracer.Kind.PRODUCER,
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", 7);
        assertThat(span).isSameAs(Span.NONE);
        assertThat(span.traceparent()).isNull();
        assertThat(Tracer.OFF.on()).isFalse();
    }
}
