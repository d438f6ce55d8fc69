package io.roomcast.platform;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.WebConnection;
import org.junit.jupiter.api.Test;

/** On Payara the effect is measured (bench/profile.js idle-10k); here: anything else is left alone. */
class GrizzlyIdleWalkTest {

    private static final class OtherServersConnection implements WebConnection {
        @Override
        public ServletInputStream getInputStream() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ServletOutputStream getOutputStream() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aConnectionThatIsNotGrizzlysIsLeftAsItIs() {
        assertThat(new GrizzlyIdleWalk().leave(new OtherServersConnection())).isFalse();
    }
}
