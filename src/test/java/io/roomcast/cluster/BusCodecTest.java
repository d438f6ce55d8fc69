package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.roomcast.room.event.RoomEvent;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BusCodecTest {

    private static final Origin ORIGIN = new Origin("5f0c-member", "abc123");
    private static final BusCodec CODEC = new BusCodec(ClusterSeal.of("the cluster's secret, 32 bytes or more"));

    private static BusEvent roundTrip(BusEvent event) {
        BusCodec.Envelope envelope = CODEC.decode(CODEC.encode(ORIGIN, event));
        assertThat(envelope.origin()).isEqualTo(ORIGIN);
        return envelope.event();
    }

    @Test
    void recordEventsSurviveTheTrip() {
        List<BusEvent> events = List.of(
                new BusEvent.Message(new RoomEvent.Message(7, "m-1", "alice", "héllo ✓", "r1", 123L, "k3x9", 42)),
                new BusEvent.Message(new RoomEvent.Message(7, "m-2", "alice", "no ref", null, 124L, null, 0)),
                new BusEvent.Presence(2147483647, "c-x-1", "bob", true, 3),
                new BusEvent.Presence(1, "c-x-2", "bob", false, 0),
                new BusEvent.Direct(42, "carol", "psst", 99L),
                new BusEvent.Client("c-x-3", 42, true),
                new BusEvent.Figures(17),
                new BusEvent.SyncRequest(),
                new BusEvent.Goodbye(),
                new BusEvent.Ping(-4_611_686_018_427_387_904L),
                new BusEvent.Pong(42L, "abc124"),
                new BusEvent.Snapshot(5,
                        List.of(new BusEvent.Membership(7, "c-1", "a"), new BusEvent.Membership(8, "c-1", "a")),
                        List.of(new BusEvent.ClientSession("c-2", 42))));
        for (BusEvent event : events) {
            assertThat(roundTrip(event)).isEqualTo(event);
        }
    }

    @Test
    void aTracedMessageKeepsItsTraceContextAcrossTheBus() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        RoomEvent.Message traced = new RoomEvent.Message(7, "m-1", "alice", "hi", "r1", 123L, "k3x9", 42, traceparent);
        assertThat(((BusEvent.Message) roundTrip(new BusEvent.Message(traced))).message()).isEqualTo(traced);
    }

    @Test
    void anUntracedMessageIsEncodedAsBeforeTracingExisted() throws Exception {
        RoomEvent.Message untraced = new RoomEvent.Message(7, "m-1", "alice", "hi", "r1", 123L, "k3x9", 42);
        byte[] opened = ClusterSeal.of("the cluster's secret, 32 bytes or more").open(BusCodec.CONTEXT,
                CODEC.encode(ORIGIN, new BusEvent.Message(untraced)));
        ByteArrayOutputStream before = new ByteArrayOutputStream(); // version 2's message, as it was written
        try (DataOutputStream out = new DataOutputStream(before)) {
            out.writeByte(2);
            StoredMessages.string(out, ORIGIN.member());
            StoredMessages.string(out, ORIGIN.instance());
            out.writeByte(1);
            StoredMessages.write(out, untraced);
        }
        assertThat(opened).isEqualTo(before.toByteArray());
        assertThat(((BusEvent.Message) roundTrip(new BusEvent.Message(untraced))).message().trace()).isNull();
    }

    @Test
    void aTraceContextThatDoesNotParseIsDroppedNotTheMessage() {
        RoomEvent.Message odd = new RoomEvent.Message(7, "m-1", "alice", "hi", null, 1L, "e", 1, "not a traceparent");
        RoomEvent.Message received = ((BusEvent.Message) roundTrip(new BusEvent.Message(odd))).message();
        assertThat(received.text()).isEqualTo("hi");
        assertThat(received.trace()).isNull();
    }

    @Test
    void binaryBytesAndTextsOver64KiBSurvive() {
        byte[] bytes = new byte[70_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        BusEvent.Binary binary = (BusEvent.Binary) roundTrip(new BusEvent.Binary(9, bytes));
        assertThat(binary.room()).isEqualTo(9);
        assertThat(binary.bytes()).isEqualTo(bytes);

        String big = "ü".repeat(40_000); // 80,000 bytes of UTF-8: more than writeUTF takes
        RoomEvent.Message message = new RoomEvent.Message(1, "m", "u", big, null, 0, "e", 1);
        assertThat(((BusEvent.Message) roundTrip(new BusEvent.Message(message))).message()).isEqualTo(message);
    }

    @Test
    void aMessageIsCarriedInTheBytesOfVersionTwoFollowedByItsSeal() throws Exception {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(expected)) {
            out.writeByte(2);
            utf8(out, ORIGIN.member());
            utf8(out, ORIGIN.instance());
            out.writeByte(1); // a message
            out.writeInt(7);
            utf8(out, "m-1");
            utf8(out, "alice");
            utf8(out, "hi");
            out.writeBoolean(true);
            utf8(out, "r1");
            out.writeLong(123L);
            out.writeBoolean(true);
            utf8(out, "k3x9");
            out.writeLong(42);
        }
        RoomEvent.Message message = new RoomEvent.Message(7, "m-1", "alice", "hi", "r1", 123L, "k3x9", 42);
        byte[] encoded = CODEC.encode(ORIGIN, new BusEvent.Message(message));
        byte[] body = expected.toByteArray();
        assertThat(Arrays.copyOf(encoded, body.length)).isEqualTo(body);
        assertThat(encoded).hasSize(body.length + ClusterSeal.TAG_BYTES);
    }

    private static void utf8(DataOutputStream out, String s) throws Exception {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    @Test
    void anEventSealedWithAnotherSecretOrNoneOrAlteredIsNotRead() {
        byte[] sealed = CODEC.encode(ORIGIN, new BusEvent.Figures(3));
        BusCodec stranger = new BusCodec(ClusterSeal.of("another cluster's secret, 32 bytes+"));
        assertThatThrownBy(() -> CODEC.decode(stranger.encode(ORIGIN, new BusEvent.Figures(3))))
                .isInstanceOf(BusCodec.Unsealed.class);

        byte[] unsealed = Arrays.copyOf(sealed, sealed.length - ClusterSeal.TAG_BYTES); // the bytes of the event alone
        assertThatThrownBy(() -> CODEC.decode(unsealed)).isInstanceOf(BusCodec.Unsealed.class);

        for (int i = 0; i < sealed.length; i++) {
            byte[] altered = sealed.clone();
            altered[i] ^= 1;
            assertThatThrownBy(() -> CODEC.decode(altered)).as("byte %d altered", i).isInstanceOf(BusCodec.Unsealed.class);
        }
        assertThatThrownBy(() -> CODEC.decode(new byte[0])).isInstanceOf(BusCodec.Unsealed.class);
    }

    @Test
    void anotherVersionIsRefused() {
        assertThatThrownBy(() -> CODEC.decode(sealedBody(out -> {
            out.writeByte(1); // the unsealed format of before
            utf8(out, "m");
            utf8(out, "i");
            out.writeByte(9);
        }))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 1");
    }

    @Test
    void lengthsAndCountsBeyondTheBytesAreRefusedBeforeAnythingIsAllocated() {
        // Sealed by a holder of the secret (a bug, another build): still never believed.
        int[] lies = {Integer.MAX_VALUE, -1, 1_000_000};
        for (int lie : lies) {
            assertThatThrownBy(() -> CODEC.decode(sealedBody(out -> {
                out.writeByte(2);
                out.writeInt(lie); // the member id's length
            }))).as("a string of %d bytes", lie).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CODEC.decode(sealedBody(out -> {
                header(out);
                out.writeByte(2); // binary
                out.writeInt(7);
                out.writeInt(lie);
                out.write(new byte[16]);
            }))).as("a binary frame of %d bytes", lie).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CODEC.decode(sealedBody(out -> {
                header(out);
                out.writeByte(8); // a snapshot
                out.writeInt(3);
                out.writeInt(lie); // memberships
            }))).as("a snapshot of %d memberships", lie).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> CODEC.decode(sealedBody(out -> {
            header(out);
            out.writeByte(8);
            out.writeInt(3);
            out.writeInt(2); // two memberships need at least 24 bytes
            out.write(new byte[20]);
        }))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void truncatedAndTrailingBytesAreRefused() {
        byte[] body = bodyOf(CODEC.encode(ORIGIN, new BusEvent.Presence(7, "c-1", "alice", true, 2)));
        for (int length = 0; length < body.length; length++) {
            byte[] cut = Arrays.copyOf(body, length);
            assertThatThrownBy(() -> CODEC.decode(reseal(cut))).as("%d of %d bytes", length, body.length)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        byte[] longer = Arrays.copyOf(body, body.length + 1);
        assertThatThrownBy(() -> CODEC.decode(reseal(longer))).isInstanceOf(IllegalArgumentException.class);
    }

    private interface Body {
        void write(DataOutputStream out) throws Exception;
    }

    private static void header(DataOutputStream out) throws Exception {
        out.writeByte(2);
        utf8(out, ORIGIN.member());
        utf8(out, ORIGIN.instance());
    }

    private static byte[] sealedBody(Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            body.write(out);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return reseal(bytes.toByteArray());
    }

    private static byte[] bodyOf(byte[] sealed) {
        return Arrays.copyOf(sealed, sealed.length - ClusterSeal.TAG_BYTES);
    }

    private static byte[] reseal(byte[] body) {
        return ClusterSeal.of("the cluster's secret, 32 bytes or more").seal(BusCodec.CONTEXT, body);
    }
}
