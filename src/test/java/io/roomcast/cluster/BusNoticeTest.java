package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BusNoticeTest {

    private final BusCodec codec = new BusCodec(ClusterSeal.of(PostgresBus.SEAL_KEY));
    private final Origin origin = new Origin("a1", "a1");

    @Test
    void aSmallEventTravelsInTheNotificationAndReadsBackWhole() {
        BusEvent.Presence presence = new BusEvent.Presence(7, "c-a1-1", "alice", true, 2);
        String payload = BusNotice.inline(codec.encode(origin, presence));

        assertThat(payload).startsWith("E");
        BusNotice notice = BusNotice.event(payload);
        assertThat(notice).isInstanceOf(BusNotice.Inline.class);
        BusCodec.Envelope envelope = codec.decode(((BusNotice.Inline) notice).event());
        assertThat(envelope.origin()).isEqualTo(origin);
        assertThat(envelope.event()).isEqualTo(presence);
    }

    @Test
    void anEventWhosePayloadWouldReach8000BytesGoesToTheTable() {
        // base64 of n bytes is 4 * ceil(n / 3) characters, after the one-character mark
        int largestInline = (BusNotice.MAX_PAYLOAD - 1) / 4 * 3;
        assertThat(BusNotice.inline(new byte[largestInline])).hasSizeLessThanOrEqualTo(BusNotice.MAX_PAYLOAD);
        assertThat(BusNotice.inline(new byte[largestInline + 1])).isNull();

        BusEvent.Binary relay = new BusEvent.Binary(7, new byte[64 * 1024]);
        assertThat(BusNotice.inline(codec.encode(origin, relay))).isNull();
        List<BusEvent.Membership> many = java.util.stream.IntStream.range(0, 500)
                .mapToObj(i -> new BusEvent.Membership(i, "c-a1-" + i, "user-" + i)).toList();
        assertThat(BusNotice.inline(codec.encode(origin, new BusEvent.Snapshot(500, many, List.of())))).isNull();
    }

    @Test
    void aStoredEventsNotificationCarriesOnlyItsId() {
        assertThat(BusNotice.stored(42)).isEqualTo("T42");
        assertThat(BusNotice.event("T42")).isEqualTo(new BusNotice.Stored(42));
    }

    @Test
    void aRoomNotificationSaysWhichRoomHasOffsetsUpToWhich() {
        assertThat(BusNotice.stream("7:41:k3x9q")).isEqualTo(new BusNotice.StreamAdvanced(7, 41, "k3x9q"));
        assertThat(BusNotice.stream("-3:9000000000:a:b")).isEqualTo(new BusNotice.StreamAdvanced(-3, 9_000_000_000L, "a:b"));
        assertThat(BusNotice.stream("7:41")).as("naming no instance").isEqualTo(new BusNotice.StreamAdvanced(7, 41, ""));
    }

    @Test
    void aNotificationOfAnotherFormIsRefused() {
        for (String bad : new String[] {"", "X12", "Tx", "E***"}) {
            assertThatThrownBy(() -> BusNotice.event(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        for (String bad : new String[] {"", "7", ":4", "7:", "a:b", "7:4x", "7::x"}) {
            assertThatThrownBy(() -> BusNotice.stream(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        byte[] forged = "not sealed".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decode(((BusNotice.Inline) BusNotice.event(BusNotice.inline(forged))).event()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
