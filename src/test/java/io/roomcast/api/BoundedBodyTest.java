package io.roomcast.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BoundedBodyTest {

    /** An endless body that counts what was read from it. */
    private static final class Endless extends InputStream {
        final AtomicLong read = new AtomicLong();

        @Override
        public int read() {
            read.incrementAndGet();
            return 'x';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            java.util.Arrays.fill(b, off, off + len, (byte) 'x');
            read.addAndGet(len);
            return len;
        }
    }

    @Test
    void aBodyUpToTheBoundIsRead() throws Exception {
        assertThat(BoundedBody.read("3", new ByteArrayInputStream("abc".getBytes()), 3)).isEqualTo(new BoundedBody.Text("abc"));
        assertThat(BoundedBody.read(null, new ByteArrayInputStream("é".getBytes("UTF-8")), 2)).isEqualTo(new BoundedBody.Text("é"));
    }

    @Test
    void aDeclaredLengthOverTheBoundIsRefusedWithoutReading() throws Exception {
        Endless body = new Endless();
        assertThat(BoundedBody.read("1000000000000", body, 100)).isInstanceOf(BoundedBody.TooLarge.class);
        assertThat(body.read.get()).isZero();
    }

    @Test
    void anUndeclaredBodyIsReadOnlyToOneByteOverTheBound() throws Exception {
        Endless body = new Endless();
        assertThat(BoundedBody.read(null, body, 100_000)).isInstanceOf(BoundedBody.TooLarge.class);
        assertThat(body.read.get()).isEqualTo(100_001);
    }

    @Test
    void invalidUtf8IsMalformed() throws Exception {
        assertThat(BoundedBody.read(null, new ByteArrayInputStream(new byte[] {'"', (byte) 0xC3, '"'}), 10))
                .isInstanceOf(BoundedBody.Malformed.class);
    }
}
