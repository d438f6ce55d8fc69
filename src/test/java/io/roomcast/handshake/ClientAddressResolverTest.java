package io.roomcast.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressResolverTest {

    private final ClientAddressResolver resolver = new ClientAddressResolver(List.of("127.0.0.1", "10.0.0.0/8", "::1"));

    @Test
    void anUntrustedPeersForwardedForIsIgnored() {
        assertThat(resolver.resolve("203.0.113.9", List.of("1.2.3.4"), List.of())).isEqualTo("203.0.113.9");
    }

    @Test
    void aTrustedPeerGivesTheRightMostUntrustedAddress() {
        assertThat(resolver.resolve("127.0.0.1", List.of("6.6.6.6, 198.51.100.7, 10.1.2.3"), List.of()))
                .isEqualTo("198.51.100.7");
        assertThat(resolver.resolve("10.9.9.9", List.of("6.6.6.6", "198.51.100.8"), List.of())).isEqualTo("198.51.100.8");
    }

    @Test
    void aTrustedPeerWithoutHeadersIsTheClient() {
        assertThat(resolver.resolve("127.0.0.1", List.of(), List.of())).isEqualTo("127.0.0.1");
    }

    @Test
    void whenEveryHopIsTrustedTheLeftMostIsTheClient() {
        assertThat(resolver.resolve("127.0.0.1", List.of("10.0.0.5, 10.0.0.6"), List.of())).isEqualTo("10.0.0.5");
    }

    @Test
    void forwardedForIsReadWhenXForwardedForIsAbsent() {
        assertThat(resolver.resolve("127.0.0.1", List.of(),
                List.of("for=192.0.2.60;proto=http, for=\"[2001:db8:cafe::17]:4711\"")))
                .isEqualTo("2001:db8:cafe:0:0:0:0:17");
        assertThat(resolver.resolve("127.0.0.1", List.of(), List.of("For=\"192.0.2.43:47011\""))).isEqualTo("192.0.2.43");
    }

    @Test
    void garbageStopsTheWalkAtTheLastTrustedHop() {
        assertThat(resolver.resolve("127.0.0.1", List.of("1.2.3.4, unknown, 10.0.0.7"), List.of())).isEqualTo("10.0.0.7");
        assertThat(resolver.resolve("127.0.0.1", List.of("evil.example.com"), List.of())).isEqualTo("127.0.0.1");
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
