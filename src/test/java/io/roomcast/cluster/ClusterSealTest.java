package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClusterSealTest {

    private static final String SECRET = "the cluster's secret, 32 bytes or more";
    private final ClusterSeal seal = ClusterSeal.of(SECRET);
    private final byte[] bytes = "a room message".getBytes(StandardCharsets.UTF_8);

    @Test
    void sealedBytesOpenForTheirContextWithTheSameSecret() {
        byte[] sealed = seal.seal("roomcast.bus", bytes);
        assertThat(sealed).hasSize(bytes.length + ClusterSeal.TAG_BYTES).startsWith(bytes);
        assertThat(seal.open("roomcast.bus", sealed)).isEqualTo(bytes);
        assertThat(ClusterSeal.of(SECRET).open("roomcast.bus", sealed)).as("another holder of the secret").isEqualTo(bytes);
    }

    @Test
    void anotherSecretAnotherContextOrAnAlteredByteDoNotOpen() {
        byte[] sealed = seal.seal("ring:7", bytes);
        assertThat(ClusterSeal.of(SECRET + "!").open("ring:7", sealed)).isNull();
        assertThat(seal.open("ring:8", sealed)).as("copied into another room's ring").isNull();
        for (int i = 0; i < sealed.length; i++) {
            byte[] altered = sealed.clone();
            altered[i] ^= (byte) 0x80;
            assertThat(seal.open("ring:7", altered)).as("byte %d", i).isNull();
        }
        assertThat(seal.open("ring:7", new byte[ClusterSeal.TAG_BYTES - 1])).isNull();
        assertThat(seal.open("ring:7", null)).isNull();
    }

    @Test
    void contextsAreNotConfusedByWhereTheyEnd() {
        // "ab" + "c..." must not seal like "a" + "bc...": the context's length is sealed too.
        byte[] sealed = seal.seal("ab", "c".getBytes(StandardCharsets.UTF_8));
        byte[] shifted = new byte[sealed.length + 1];
        shifted[0] = 'b';
        System.arraycopy(sealed, 0, shifted, 1, sealed.length);
        assertThat(seal.open("a", shifted)).isNull();
    }

    @Test
    void theNamespaceIsTheSameForEveryHolderOfTheSecretAndRevealsNothing() {
        assertThat(seal.namespace()).matches("[0-9a-f]{16}").isEqualTo(ClusterSeal.of(SECRET).namespace());
        assertThat(ClusterSeal.of(SECRET + "!").namespace()).isNotEqualTo(seal.namespace());
        assertThat(seal.toString()).doesNotContain(SECRET).contains(seal.namespace());
    }
}
