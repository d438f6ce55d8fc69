package io.roomcast.cluster;

import io.roomcast.room.event.RoomEvent;
import io.roomcast.stream.Placement;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Room messages as the cluster keeps them: bytes, for the same reason as {@link BusCodec} (the member
 * that holds them cannot load the WAR's classes, and the format stays ours to version). A message in
 * a room's ring is kept without its place: its room is the ring's, its offset the ring's sequence + 1,
 * and its epoch the stream's. A remembered idempotency key keeps only its first publish's
 * {@link Placement} (id, epoch, offset), never the text (PROTOCOL 13.2).
 */
final class StoredMessages {

    static final int VERSION = 1;
    /** First byte of a claim on an idempotency key whose first publish is still under way. */
    static final int PENDING = 0x50;
    /** First byte of an idempotency key's placement, once its first publish is stored. */
    static final int PLACED = 0x02;

    private StoredMessages() {
    }

    static byte[] encode(RoomEvent.Message m) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 3 * m.text().length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            write(out, m);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * @throws IllegalArgumentException when the bytes are not a message of this version; no length in
     *         them is believed before it was checked against the bytes (see {@link BoundedInput})
     */
    static RoomEvent.Message decode(byte[] data) {
        BoundedInput in = new BoundedInput(data);
        int version = in.unsignedByte();
        if (version != VERSION) {
            throw new IllegalArgumentException("stored message of version " + version + ", expected " + VERSION);
        }
        RoomEvent.Message message = read(in);
        in.end();
        return message;
    }

    /** A message's fields, as the bus carries them too (inside its own envelope and version). */
    static void write(DataOutputStream out, RoomEvent.Message m) throws IOException {
        out.writeInt(m.room());
        string(out, m.id());
        string(out, m.from());
        string(out, m.text());
        nullable(out, m.ref());
        out.writeLong(m.timestamp());
        nullable(out, m.epoch());
        out.writeLong(m.offset());
    }

    static RoomEvent.Message read(BoundedInput in) {
        return new RoomEvent.Message(in.int32(), in.string(), in.string(), in.string(), in.nullableString(),
                in.int64(), in.nullableString(), in.int64());
    }

    /** An idempotency key's value once its first publish is stored: the placement only. */
    static byte[] placement(Placement placed) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(PLACED);
            string(out, placed.id());
            nullable(out, placed.epoch());
            out.writeLong(placed.offset());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * A stored idempotency key's placement; an instance of an earlier version kept the whole message
     * there ({@link #VERSION}), whose placement is read the same.
     *
     * @throws IllegalArgumentException when the bytes are neither
     */
    static Placement placementOf(byte[] data) {
        if (data.length > 0 && data[0] == VERSION) {
            return Placement.of(decode(data));
        }
        BoundedInput in = new BoundedInput(data);
        if (in.unsignedByte() != PLACED) {
            throw new IllegalArgumentException("not a stored placement");
        }
        Placement placement = new Placement(in.string(), in.nullableString(), in.int64());
        in.end();
        return placement;
    }

    /** A claim marker: unique per claim, so that only its owner can replace or remove it. */
    static byte[] pending(String claimant) {
        byte[] id = claimant.getBytes(StandardCharsets.UTF_8);
        byte[] marker = new byte[id.length + 1];
        marker[0] = (byte) PENDING;
        System.arraycopy(id, 0, marker, 1, id.length);
        return marker;
    }

    static boolean isPending(byte[] value) {
        return value.length > 0 && value[0] == (byte) PENDING;
    }

    // writeUTF stops at 64 KiB, and a text frame may be larger: length-prefixed UTF-8 instead (read back
    // by BoundedInput.string). The bus (BusCodec) writes its strings the same way.
    static void string(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static void nullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            string(out, s);
        }
    }
}
