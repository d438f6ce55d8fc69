package io.roomcast.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoreSettingsTest {

    private static StoreSettings parse(Map<String, String> values) {
        return StoreSettings.from(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void memoryIsTheDefaultAndNeedsNothingElse() {
        StoreSettings s = parse(Map.of());
        assertThat(s.kind()).isEqualTo(StoreSettings.Kind.MEMORY);
        assertThat(s.durable()).isFalse();
        assertThat(s.lease()).isEqualTo(Duration.ofSeconds(15));
        assertThat(s.batchWait()).isEqualTo(Duration.ofMillis(2));
    }

    @Test
    void batchWaitIsMillisecondsFromZeroToAHundred() {
        assertThat(parse(Map.of("roomcast.store.batch-wait", "0")).batchWait()).isZero();
        assertThat(parse(Map.of("roomcast.store.batch-wait", "100")).batchWait()).isEqualTo(Duration.ofMillis(100));
        for (String wrong : new String[] {"-1", "101", "1.5", "2ms"}) {
            assertThatThrownBy(() -> parse(Map.of("roomcast.store.batch-wait", wrong)))
                    .hasMessageContaining("roomcast.store.batch-wait").hasMessageContaining("'" + wrong + "'");
        }
    }

    @Test
    void postgresTakesAJdbcUrlAndCredentials() {
        StoreSettings s = parse(Map.of("roomcast.store", "postgres", "roomcast.store.url",
                "jdbc:postgresql://127.0.0.1:5432/rooms", "roomcast.store.user", "rc", "roomcast.store.password", "pw",
                "roomcast.store.lease", "5"));
        assertThat(s.durable()).isTrue();
        assertThat(s.url()).contains("jdbc:postgresql://127.0.0.1:5432/rooms");
        assertThat(s.user()).contains("rc");
        assertThat(s.password()).contains("pw");
        assertThat(s.lease()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void postgresTakesAServerManagedDataSourceInstead() {
        StoreSettings s = parse(Map.of("roomcast.store", "POSTGRES", "roomcast.store.datasource", "java:jboss/datasources/Rooms"));
        assertThat(s.datasource()).contains("java:jboss/datasources/Rooms");
        assertThat(s.url()).isEmpty();
    }

    @Test
    void postgresNeedsExactlyOneOfUrlAndDataSource() {
        assertThatThrownBy(() -> parse(Map.of("roomcast.store", "postgres")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> parse(Map.of("roomcast.store", "postgres", "roomcast.store.url", "jdbc:postgresql:x",
                "roomcast.store.datasource", "java:x"))).hasMessageContaining("exactly one");
    }

    @Test
    void aMalformedValueIsNamedButAUrlIsNeverEchoed() {
        assertThatThrownBy(() -> parse(Map.of("roomcast.store", "redis"))).hasMessageContaining("memory or postgres");
        assertThatThrownBy(() -> parse(Map.of("roomcast.store.lease", "0"))).hasMessageContaining("roomcast.store.lease");
        assertThatThrownBy(() -> parse(Map.of("roomcast.store", "postgres", "roomcast.store.url",
                "jdbc:mysql://secret:pw@host/db")))
                .hasMessageContaining("jdbc:postgresql:").hasMessageNotContaining("secret");
    }
}
