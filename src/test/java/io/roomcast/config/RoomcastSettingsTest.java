package io.roomcast.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RoomcastSettingsTest {

    private static RoomcastSettings parse(Map<String, String> values) {
        return RoomcastSettings.from(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void defaultsFollowTheProtocol() {
        RoomcastSettings s = parse(Map.of());
        assertThat(s.devMode()).isFalse();
        assertThat(s.anonymousAllowed()).isTrue();
        assertThat(s.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(75));
        assertThat(s.maxTextBytes()).isEqualTo(65536);
        assertThat(s.maxBinaryBytes()).isEqualTo(1048576);
        assertThat(s.ratePerSecond()).isEqualTo(20);
        assertThat(s.rateBurst()).isEqualTo(40);
        assertThat(s.connectionsPerAddress()).isEqualTo(1000);
        assertThat(s.connectionsPerUser()).isEqualTo(100);
        assertThat(s.sendQueue()).isEqualTo(1024);
        assertThat(s.jwtClockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.allowedOrigins()).isEmpty();
        assertThat(s.jwtSecret()).isEmpty();
    }

    @Test
    void abuseLimitsDefaultToSection13() {
        RoomcastSettings s = parse(Map.of());
        assertThat(s.historyAnswerBytes()).isEqualTo(1_048_576);
        assertThat(s.historyAnonymous()).isFalse();
        assertThat(s.userRatePerSecond()).isEqualTo(100);
        assertThat(s.userRateBurst()).isEqualTo(200);
        assertThat(s.handshakeRatePerSecond()).isEqualTo(20);
        assertThat(s.handshakeBurst()).isEqualTo(100);
        assertThat(s.roomsPerUser()).isEqualTo(1000);
        assertThat(s.clusterSecret()).isEmpty();
        assertThat(s.clusteringEnabled()).isFalse();
    }

    @Test
    void aClusterSecretShorterThan32BytesIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> parse(Map.of("roomcast.cluster.secret", "short-secret-value",
                "roomcast.cluster.size", "3")))
                .hasMessageContaining("roomcast.cluster.secret").hasMessageNotContaining("short-secret-value");
        assertThat(parse(Map.of("roomcast.cluster.secret", "x".repeat(32), "roomcast.cluster.size", "3"))
                .clusteringEnabled()).isTrue();
    }

    @Test
    void aClusterSecretNeedsTheClusterSizeWhoseMajorityIsTheQuorum() {
        assertThatThrownBy(() -> parse(Map.of("roomcast.cluster.secret", "x".repeat(32))))
                .hasMessageContaining("roomcast.cluster.size").hasMessageNotContaining("x".repeat(32));
        assertThatThrownBy(() -> parse(Map.of("roomcast.cluster.secret", "x".repeat(32), "roomcast.cluster.size", "-1")))
                .hasMessageContaining("roomcast.cluster.size");
        for (int[] sizeAndQuorum : new int[][] {{1, 1}, {2, 2}, {3, 2}, {4, 3}, {5, 3}}) {
            RoomcastSettings s = parse(Map.of("roomcast.cluster.secret", "x".repeat(32),
                    "roomcast.cluster.size", Integer.toString(sizeAndQuorum[0])));
            assertThat(s.clusterSize()).isEqualTo(sizeAndQuorum[0]);
            assertThat(s.clusterQuorum()).as("size %d", sizeAndQuorum[0]).isEqualTo(sizeAndQuorum[1]);
        }
        // without the secret the size means nothing: one instance is its own majority
        RoomcastSettings alone = parse(Map.of("roomcast.cluster.size", "5"));
        assertThat(alone.clusteringEnabled()).isFalse();
        assertThat(alone.clusterSize()).isZero();
        assertThat(alone.clusterQuorum()).isEqualTo(1);
    }

    @Test
    void theShutdownGraceDefaultsToFiveSecondsAndMayBeZero() {
        assertThat(parse(Map.of()).shutdownGrace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(parse(Map.of("roomcast.shutdown.grace", "0")).shutdownGrace()).isZero();
        assertThatThrownBy(() -> parse(Map.of("roomcast.shutdown.grace", "-1")))
                .hasMessageContaining("roomcast.shutdown.grace");
    }

    @Test
    void valuesAreParsedAndListsSplitOnCommas() {
        RoomcastSettings s = parse(Map.of(
                "roomcast.dev-mode", "TRUE",
                "roomcast.heartbeat.interval", "5",
                "roomcast.heartbeat.timeout", "12",
                "roomcast.limits.rate", "2.5",
                "roomcast.origins", " https://a.example , https://b.example ,,",
                "roomcast.proxy.trusted", "10.0.0.0/8,127.0.0.1",
                "roomcast.jwt.secret", "  s3cret  "));
        assertThat(s.devMode()).isTrue();
        assertThat(s.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.ratePerSecond()).isEqualTo(2.5);
        assertThat(s.allowedOrigins()).containsExactly("https://a.example", "https://b.example");
        assertThat(s.trustedProxies()).isEqualTo(List.of("10.0.0.0/8", "127.0.0.1"));
        assertThat(s.jwtSecret()).contains("s3cret");
    }

    @Test
    void malformedValuesNameTheKey() {
        assertThatThrownBy(() -> parse(Map.of("roomcast.limits.max-text", "lots")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("roomcast.limits.max-text");
        assertThatThrownBy(() -> parse(Map.of("roomcast.limits.burst", "0")))
                .hasMessageContaining("roomcast.limits.burst");
        assertThatThrownBy(() -> parse(Map.of("roomcast.auth.anonymous", "yes")))
                .hasMessageContaining("roomcast.auth.anonymous");
        assertThatThrownBy(() -> parse(Map.of("roomcast.limits.rate", "NaN")))
                .hasMessageContaining("roomcast.limits.rate");
    }

    @Test
    void v2LimitsAndKeysDefaultAsTheProtocolSays() {
        RoomcastSettings s = parse(Map.of());
        assertThat(s.sendQueueBytes()).isEqualTo(4_194_304);
        assertThat(s.roomsPerConnection()).isEqualTo(100);
        assertThat(s.roomsTotal()).isEqualTo(100_000);
        assertThat(s.maxPublishBodyBytes()).isEqualTo(65536 + 1024);
        assertThat(s.proxyHeader()).isEqualTo(RoomcastSettings.ProxyHeader.X_FORWARDED_FOR);
        assertThat(s.jwtJwks()).isEmpty();
        assertThat(s.jwtJwksRefresh()).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    void theProxyHeaderIsOneOfTwoNames() {
        assertThat(parse(Map.of("roomcast.proxy.header", "Forwarded")).proxyHeader())
                .isEqualTo(RoomcastSettings.ProxyHeader.FORWARDED);
        assertThatThrownBy(() -> parse(Map.of("roomcast.proxy.header", "x-real-ip")))
                .hasMessageContaining("roomcast.proxy.header");
    }

    @Test
    void theTimeoutMustBeLongerThanTheInterval() {
        assertThatThrownBy(() -> parse(Map.of("roomcast.heartbeat.interval", "30", "roomcast.heartbeat.timeout", "30")))
                .hasMessageContaining("roomcast.heartbeat.timeout");
    }
}
