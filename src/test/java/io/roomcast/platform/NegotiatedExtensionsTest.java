package io.roomcast.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NegotiatedExtensionsTest {

    @Test
    void noHeaderOrAnEmptyOneIsNone() {
        assertThat(NegotiatedExtensions.from(List.of())).isEqualTo(NegotiatedExtensions.NONE);
        assertThat(NegotiatedExtensions.from(List.of(" ", ","))).isEqualTo(NegotiatedExtensions.NONE);
    }

    @Test
    void permessageDeflateWithOrWithoutParameters() {
        assertThat(NegotiatedExtensions.from(List.of("permessage-deflate"))).isEqualTo(NegotiatedExtensions.PERMESSAGE_DEFLATE);
        assertThat(NegotiatedExtensions.from(List.of("Permessage-Deflate; client_max_window_bits=15; server_no_context_takeover")))
                .isEqualTo(NegotiatedExtensions.PERMESSAGE_DEFLATE);
    }

    @Test
    void anyOtherExtensionIsOther() {
        assertThat(NegotiatedExtensions.from(List.of("x-webkit-deflate-frame"))).isEqualTo(NegotiatedExtensions.OTHER);
        assertThat(NegotiatedExtensions.from(List.of("permessage-deflate", "x-custom; a=\"b,c\"")))
                .isEqualTo(NegotiatedExtensions.OTHER);
        assertThat(NegotiatedExtensions.from(List.of("permessage-deflate, permessage-deflate")))
                .isEqualTo(NegotiatedExtensions.OTHER);
    }

    @Test
    void aCommaInsideAQuotedParameterDoesNotStartAnotherExtension() {
        assertThat(NegotiatedExtensions.from(List.of("permessage-deflate; x=\"a, b\"")))
                .isEqualTo(NegotiatedExtensions.PERMESSAGE_DEFLATE);
    }
}
