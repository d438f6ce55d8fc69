package io.roomcast.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    private final OriginPolicy policy = new OriginPolicy(List.of("https://app.example.com"));

    @Test
    void aRequestWithoutOriginPasses() {
        assertThat(policy.allows(null, "roomcast.local:8080", false)).isTrue();
    }

    @Test
    void theSameHostAndPortPasses() {
        assertThat(policy.allows("http://roomcast.local:8080", "roomcast.local:8080", false)).isTrue();
        assertThat(policy.allows("http://Roomcast.Local", "roomcast.local:80", false)).isTrue();
        assertThat(policy.allows("https://roomcast.local", "roomcast.local", true)).isTrue();
    }

    @Test
    void anotherPortOrHostIsRefusedUnlessListed() {
        assertThat(policy.allows("http://roomcast.local:9090", "roomcast.local:8080", false)).isFalse();
        assertThat(policy.allows("http://evil.example", "roomcast.local:8080", false)).isFalse();
        assertThat(policy.allows("https://app.example.com", "roomcast.local:8080", false)).isTrue();
        assertThat(policy.allows("https://APP.example.com/", "roomcast.local:8080", false)).isTrue();
        assertThat(policy.allows("null", "roomcast.local:8080", false)).isFalse();
    }

    @Test
    void aStarAllowsEveryOrigin() {
        assertThat(new OriginPolicy(List.of("*")).allows("http://anything.example", "x:1", false)).isTrue();
    }

    @Test
    void listedIsTheConfiguredListOnlyNotTheSameHostRule() {
        assertThat(policy.listed("https://APP.example.com/")).isTrue();
        assertThat(policy.listed("http://roomcast.local:8080")).isFalse();
        assertThat(policy.listed(null)).isFalse();
        assertThat(policy.listed("null")).isFalse();
        assertThat(new OriginPolicy(List.of("*")).listed("http://anything.example")).isTrue();
    }
}
