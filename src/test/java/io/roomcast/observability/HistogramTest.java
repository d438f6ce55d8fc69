package io.roomcast.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HistogramTest {

    @Test
    void countsEachValueInTheFirstBucketItFitsAndWritesThemCumulative() {
        Histogram histogram = new Histogram(1, 10, 100);
        for (long value : new long[] {0, 1, 2, 10, 11, 100, 5_000}) {
            histogram.record(value);
        }

        Histogram.Snapshot snapshot = histogram.snapshot();

        assertThat(snapshot.cumulative()).containsExactly(2, 4, 6, 7);
        assertThat(snapshot.count()).isEqualTo(7);
        assertThat(snapshot.sum()).isEqualTo(5_124);
    }

    @Test
    void boundsMustAscend() {
        assertThatThrownBy(() -> new Histogram(1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void durationsAreWrittenInSecondsAndCountsAsTheyAre() {
        assertThat(Distribution.Unit.NANOS_AS_SECONDS.format(250_000)).isEqualTo("0.00025");
        assertThat(Distribution.Unit.NANOS_AS_SECONDS.format(1_000_000_000)).isEqualTo("1");
        assertThat(Distribution.Unit.NANOS_AS_SECONDS.format(0)).isEqualTo("0");
        assertThat(Distribution.Unit.COUNT.format(4096)).isEqualTo("4096");
    }
}
