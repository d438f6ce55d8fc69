package io.roomcast.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** IP literals are parsed by Roomcast itself: no text ever reaches a name resolver. */
class IpRangeTest {

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.com", "roomcast.invalid", "999.1.1.1", "1.2.3", "1.2.3.4.5",
            "01.2.3.256", "010.0.0.1", "0x7f.0.0.1", "127.1", "2130706433", "unknown", "_hidden", "", " ",
            "fe80::1%eth0", "fe80::1%1", "1:2:3:4:5:6:7:8:9", "1::2::3", ":::", "12345::", "::g", "1:2:3:4:5:6:7",
            "::1.2.3", "::1.2.3.256", "face:b00c", "beef", "a.b.c.d"})
    void anythingButAStrictLiteralIsNotAnAddressAndIsNotResolved(String text) {
        assertThat(IpRange.literal(text)).isEmpty();
    }

    @Test
    void ipv4LiteralsParse() throws Exception {
        assertThat(IpRange.literal("127.0.0.1")).contains(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        assertThat(IpRange.literal("255.255.255.255").orElseThrow().getHostAddress()).isEqualTo("255.255.255.255");
        assertThat(IpRange.literal(" 10.0.0.7 ").orElseThrow().getHostAddress()).isEqualTo("10.0.0.7");
    }

    @Test
    void ipv6LiteralsParseInEveryTextForm() {
        assertThat(IpRange.literal("::1").orElseThrow().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(IpRange.literal("::").orElseThrow().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:0");
        assertThat(IpRange.literal("[2001:db8::7]").orElseThrow().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(IpRange.literal("2001:DB8:0:0:1:0:0:1").orElseThrow().getHostAddress()).isEqualTo("2001:db8:0:0:1:0:0:1");
        assertThat(IpRange.literal("1::").orElseThrow().getHostAddress()).isEqualTo("1:0:0:0:0:0:0:0");
        assertThat(IpRange.literal("1:2:3:4:5:6:7::").orElseThrow().getHostAddress()).isEqualTo("1:2:3:4:5:6:7:0");
        assertThat(IpRange.literal("64:ff9b::192.0.2.33").orElseThrow().getHostAddress()).isEqualTo("64:ff9b:0:0:0:0:c000:221");
        assertThat(IpRange.literal("1:2:3:4:5:6:1.2.3.4").orElseThrow().getHostAddress()).isEqualTo("1:2:3:4:5:6:102:304");
        // An IPv4-mapped address is the IPv4 address (as Java has it), so an IPv4 range matches it.
        assertThat(IpRange.literal("::ffff:127.0.0.1").orElseThrow().getHostAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void trustedProxiesMustBeLiteralsToo() {
        assertThatThrownBy(() -> IpRange.parse("localhost")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IpRange.parse("example.com/8")).isInstanceOf(IllegalArgumentException.class);
        assertThat(IpRange.parse("::1/128").contains(IpRange.literal("::1").orElseThrow())).isTrue();
    }
}
