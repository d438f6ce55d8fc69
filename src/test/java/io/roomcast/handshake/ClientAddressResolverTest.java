package io.roomcast.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.roomcast.config.RoomcastSettings.ProxyHeader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientAddressResolverTest {

    private static final List<String> TRUSTED = List.of("127.0.0.1", "10.0.0.0/8", "::1");
    private final ClientAddressResolver xff = new ClientAddressResolver(TRUSTED, ProxyHeader.X_FORWARDED_FOR);
    private final ClientAddressResolver forwarded = new ClientAddressResolver(TRUSTED, ProxyHeader.FORWARDED);

    private static String resolve(ClientAddressResolver resolver, String peer, Map<String, List<String>> headers) {
        return resolver.resolve(peer, name -> headers.getOrDefault(name, List.of()));
    }

    private static Optional<Boolean> secure(ClientAddressResolver resolver, String peer, Map<String, List<String>> headers) {
        return resolver.forwardedSecure(peer, name -> headers.getOrDefault(name, List.of()));
    }

    @Test
    void anUntrustedPeersForwardedForIsIgnored() {
        assertThat(resolve(xff, "203.0.113.9", Map.of("X-Forwarded-For", List.of("1.2.3.4")))).isEqualTo("203.0.113.9");
    }

    @Test
    void aTrustedPeerGivesTheRightMostUntrustedAddress() {
        assertThat(resolve(xff, "127.0.0.1", Map.of("X-Forwarded-For", List.of("6.6.6.6, 198.51.100.7, 10.1.2.3"))))
                .isEqualTo("198.51.100.7");
        assertThat(resolve(xff, "10.9.9.9", Map.of("X-Forwarded-For", List.of("6.6.6.6", "198.51.100.8"))))
                .isEqualTo("198.51.100.8");
    }

    @Test
    void aTrustedPeerWithoutHeadersIsTheClient() {
        assertThat(resolve(xff, "127.0.0.1", Map.of())).isEqualTo("127.0.0.1");
    }

    @Test
    void whenEveryHopIsTrustedTheLeftMostIsTheClient() {
        assertThat(resolve(xff, "127.0.0.1", Map.of("X-Forwarded-For", List.of("10.0.0.5, 10.0.0.6")))).isEqualTo("10.0.0.5");
    }

    @Test
    void forwardedForIsReadWhenTheProxyWritesForwarded() {
        assertThat(resolve(forwarded, "127.0.0.1",
                Map.of("Forwarded", List.of("for=192.0.2.60;proto=http, for=\"[2001:db8:cafe::17]:4711\""))))
                .isEqualTo("2001:db8:cafe:0:0:0:0:17");
        assertThat(resolve(forwarded, "127.0.0.1", Map.of("Forwarded", List.of("For=\"192.0.2.43:47011\""))))
                .isEqualTo("192.0.2.43");
    }

    @Test
    void onlyTheHeaderTheProxyWritesIsBelieved() {
        // The proxy writes Forwarded and passes on the client's own X-Forwarded-For: a lie.
        assertThat(resolve(forwarded, "127.0.0.1", Map.of("X-Forwarded-For", List.of("6.6.6.6"),
                "Forwarded", List.of("for=198.51.100.9")))).isEqualTo("198.51.100.9");
        assertThat(resolve(forwarded, "127.0.0.1", Map.of("X-Forwarded-For", List.of("6.6.6.6")))).isEqualTo("127.0.0.1");
        // And the other way round.
        assertThat(resolve(xff, "127.0.0.1", Map.of("Forwarded", List.of("for=6.6.6.6")))).isEqualTo("127.0.0.1");
    }

    @Test
    void garbageStopsTheWalkAtTheLastTrustedHop() {
        assertThat(resolve(xff, "127.0.0.1", Map.of("X-Forwarded-For", List.of("1.2.3.4, unknown, 10.0.0.7"))))
                .isEqualTo("10.0.0.7");
        assertThat(resolve(xff, "127.0.0.1", Map.of("X-Forwarded-For", List.of("evil.example.com")))).isEqualTo("127.0.0.1");
    }

    @Test
    void theTrustedProxysForwardedProtoSaysWhetherTheClientUsedTls() {
        assertThat(secure(xff, "127.0.0.1", Map.of("X-Forwarded-Proto", List.of("https")))).contains(true);
        assertThat(secure(xff, "127.0.0.1", Map.of("X-Forwarded-Proto", List.of("http")))).contains(false);
        // The right-most value is the one the trusted proxy wrote; the client may have sent its own before it.
        assertThat(secure(xff, "127.0.0.1", Map.of("X-Forwarded-Proto", List.of("https, http")))).contains(false);
        assertThat(secure(forwarded, "127.0.0.1", Map.of("Forwarded", List.of("for=1.2.3.4;proto=https")))).contains(true);
        assertThat(secure(xff, "127.0.0.1", Map.of())).isEmpty();
    }

    @Test
    void forwardedProtoFromAnUntrustedPeerOrTheOtherHeaderIsIgnored() {
        assertThat(secure(xff, "203.0.113.9", Map.of("X-Forwarded-Proto", List.of("https")))).isEmpty();
        assertThat(secure(xff, "127.0.0.1", Map.of("Forwarded", List.of("proto=https")))).isEmpty();
        assertThat(secure(forwarded, "127.0.0.1", Map.of("X-Forwarded-Proto", List.of("https")))).isEmpty();
    }

    @Test
    void cidrBlocksMatchByPrefix() {
        IpRange range = IpRange.parse("192.168.16.0/20");
        assertThat(range.contains(IpRange.literal("192.168.31.255").orElseThrow())).isTrue();
        assertThat(range.contains(IpRange.literal("192.168.32.0").orElseThrow())).isFalse();
        assertThat(range.contains(IpRange.literal("::1").orElseThrow())).isFalse();
    }

    @Test
    void hostNamesAreNeverResolved() {
        assertThat(IpRange.literal("localhost")).isEmpty();
        assertThatThrownBy(() -> IpRange.parse("proxy.internal")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IpRange.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    }
}
