package io.roomcast.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    private static final String HISTOGRAM = """
            # HELP h_seconds a histogram
            # TYPE h_seconds histogram
            h_seconds_bucket{le="0.1"} 1
            h_seconds_bucket{le="1"} 3
            h_seconds_bucket{le="+Inf"} 4
            h_seconds_sum 2.5
            h_seconds_count 4
            """;

    @Test
    void readsFamiliesTheirTypesHelpAndSamples() {
        PrometheusText text = PrometheusText.parse("""
                # HELP c_total a counter
                # TYPE c_total counter
                c_total{code="a",mp_scope="application"} 3
                c_total{code="b\\"q\\\\"} 0
                # TYPE g gauge
                g 1.5e3
                """ + HISTOGRAM);

        assertThat(text.family("c_total").type()).isEqualTo("counter");
        assertThat(text.family("c_total").help()).isEqualTo("a counter");
        assertThat(text.family("c_total").value("c_total", Map.of("code", "a"), Set.of("mp_scope"))).isEqualTo(3);
        assertThat(text.family("c_total").value("c_total", Map.of("code", "b\"q\\"), Set.of())).isZero();
        assertThat(text.family("g").value("g", Map.of(), Set.of())).isEqualTo(1500);
        assertThat(text.family("h_seconds").value("h_seconds_count", Map.of(), Set.of())).isEqualTo(4);
    }

    @Test
    void refusesASampleBeforeItsType() {
        assertThatThrownBy(() -> PrometheusText.parse("g 1\n# TYPE g gauge\n"))
                .hasMessageContaining("line 1").hasMessageContaining("before its # TYPE");
    }

    @Test
    void refusesASecondTypeForOneFamily() {
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE g gauge\ng 1\n# TYPE g counter\n"))
                .hasMessageContaining("a second # TYPE");
    }

    @Test
    void refusesInvalidNamesLabelsAndValues() {
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE 1g gauge\n")).hasMessageContaining("invalid metric name");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE g gauge\ng-x 1\n")).hasMessageContaining("invalid metric name");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE g gauge\ng{a-b=\"x\"} 1\n")).hasMessageContaining("invalid label name");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE g gauge\ng{a=x} 1\n")).hasMessageContaining("no quoted value");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE g gauge\ng{a=\"x\",a=\"y\"} 1\n")).hasMessageContaining("twice");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE g gauge\ng one\n")).hasMessageContaining("invalid value");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE g gauge\ng 1\ng 2\n")).hasMessageContaining("twice");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE g sometype\n")).hasMessageContaining("# TYPE needs");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE g gauge\ng 1")).hasMessageContaining("line feed");
    }

    @Test
    void refusesANegativeCounter() {
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE c_total counter\nc_total -1\n"))
                .hasMessageContaining("counter c_total is -1");
    }

    @Test
    void refusesAHistogramWhoseBucketsAreNotCumulative() {
        assertThatThrownBy(() -> PrometheusText.parse(HISTOGRAM.replace("le=\"1\"} 3", "le=\"1\"} 0")))
                .hasMessageContaining("not cumulative");
    }

    @Test
    void refusesAHistogramWithoutAnInfBucketOrWithAnotherCount() {
        assertThatThrownBy(() -> PrometheusText.parse(HISTOGRAM.replace("h_seconds_bucket{le=\"+Inf\"} 4\n", "")))
                .hasMessageContaining("no le=\"+Inf\" bucket last");
        assertThatThrownBy(() -> PrometheusText.parse(HISTOGRAM.replace("h_seconds_count 4", "h_seconds_count 5")))
                .hasMessageContaining("_count 5.0 is not the +Inf bucket's 4.0");
        assertThatThrownBy(() -> PrometheusText.parse(HISTOGRAM.replace("h_seconds_sum 2.5\n", "")))
                .hasMessageContaining("no _sum");
        assertThatThrownBy(() -> PrometheusText.parse(HISTOGRAM.replace("le=\"1\"}", "le=\"0.01\"}")))
                .hasMessageContaining("does not ascend");
    }

    @Test
    void refusesAHistogramsBareNameAsASample() {
        assertThatThrownBy(() -> PrometheusText.parse(HISTOGRAM + "h_seconds 1\n"))
                .hasMessageContaining("before its # TYPE");
    }
}
