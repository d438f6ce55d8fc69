package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.roomcast.room.RoomEvent;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BusCodecTest {

    private static final Origin ORIGIN = new Origin("5f0c-member", "abc123");

    private static BusEvent roundTrip(BusEvent event) {
        BusCodec.Envelope envelope = BusCodec.decode(BusCodec.encode(ORIGIN, event));
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
                new BusEvent.Snapshot(5,
                        List.of(new BusEvent.Membership(7, "c-1", "a"), new BusEvent.Membership(8, "c-1", "a")),
                        List.of(new BusEvent.ClientSession("c-2", 42))));
        for (BusEvent event : events) {
            assertThat(roundTrip(event)).isEqualTo(event);
        }
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
    void aMessageIsCarriedInTheBytesOfVersionOne() throws Exception {
        // Instances of one cluster may run the WAR before and after the bus carried RoomEvent.Message.
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(expected)) {
            out.writeByte(1);
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
        assertThat(BusCodec.encode(ORIGIN, new BusEvent.Message(message))).isEqualTo(expected.toByteArray());
    }

    private static void utf8(DataOutputStream out, String s) throws Exception {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    @Test
    void anotherVersionIsRefused() {
        byte[] data = BusCodec.encode(ORIGIN, new BusEvent.Goodbye());
        data[0] = 99;
        assertThatThrownBy(() -> BusCodec.decode(data)).isInstanceOf(IllegalArgumentException.class);
    }
}
