package io.roomcast.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns bus events into bytes and back. Hazelcast carries {@code byte[]} natively, so the receiving
 * member never has to load one of our classes through its own class loader (which cannot see the
 * WAR's classes), and the format stays ours to version: the first byte is {@link #VERSION}.
 */
public final class BusCodec {

    static final int VERSION = 1;

    private static final int MESSAGE = 1;
    private static final int BINARY = 2;
    private static final int PRESENCE = 3;
    private static final int DIRECT = 4;
    private static final int CLIENT = 5;
    private static final int FIGURES = 6;
    private static final int SYNC_REQUEST = 7;
    private static final int SNAPSHOT = 8;
    private static final int GOODBYE = 9;

    /** A decoded event with the instance that published it. */
    public record Envelope(Origin origin, BusEvent event) {
    }

    private BusCodec() {
    }

    public static byte[] encode(Origin origin, BusEvent event) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            StoredMessages.string(out, origin.member());
            StoredMessages.string(out, origin.instance());
            write(out, event);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException when the bytes are not an event of this version */
    public static Envelope decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("bus event of version " + version + ", expected " + VERSION);
            }
            Origin origin = new Origin(StoredMessages.string(in), StoredMessages.string(in));
            return new Envelope(origin, read(in));
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed bus event", e);
        }
    }

    private static void write(DataOutputStream out, BusEvent event) throws IOException {
        if (event instanceof BusEvent.Message m) {
            out.writeByte(MESSAGE);
            StoredMessages.write(out, m.message());
        } else if (event instanceof BusEvent.Binary b) {
            out.writeByte(BINARY);
            out.writeInt(b.room());
            out.writeInt(b.bytes().length);
            out.write(b.bytes());
        } else if (event instanceof BusEvent.Presence p) {
            out.writeByte(PRESENCE);
            out.writeInt(p.room());
            StoredMessages.string(out, p.connectionId());
            StoredMessages.string(out, p.user());
            out.writeBoolean(p.joined());
            out.writeInt(p.members());
        } else if (event instanceof BusEvent.Direct d) {
            out.writeByte(DIRECT);
            out.writeInt(d.to());
            StoredMessages.string(out, d.from());
            StoredMessages.string(out, d.text());
            out.writeLong(d.timestamp());
        } else if (event instanceof BusEvent.Client c) {
            out.writeByte(CLIENT);
            StoredMessages.string(out, c.connectionId());
            out.writeInt(c.clientId());
            out.writeBoolean(c.online());
        } else if (event instanceof BusEvent.Figures f) {
            out.writeByte(FIGURES);
            out.writeInt(f.connections());
        } else if (event instanceof BusEvent.SyncRequest) {
            out.writeByte(SYNC_REQUEST);
        } else if (event instanceof BusEvent.Snapshot s) {
            out.writeByte(SNAPSHOT);
            out.writeInt(s.connections());
            out.writeInt(s.memberships().size());
            for (BusEvent.Membership m : s.memberships()) {
                out.writeInt(m.room());
                StoredMessages.string(out, m.connectionId());
                StoredMessages.string(out, m.user());
            }
            out.writeInt(s.clients().size());
            for (BusEvent.ClientSession c : s.clients()) {
                StoredMessages.string(out, c.connectionId());
                out.writeInt(c.clientId());
            }
        } else if (event instanceof BusEvent.Goodbye) {
            out.writeByte(GOODBYE);
        } else {
            throw new IllegalArgumentException("unknown bus event " + event);
        }
    }

    private static BusEvent read(DataInputStream in) throws IOException {
        int kind = in.readUnsignedByte();
        return switch (kind) {
            case MESSAGE -> new BusEvent.Message(StoredMessages.read(in));
            case BINARY -> {
                int room = in.readInt();
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                yield new BusEvent.Binary(room, bytes);
            }
            case PRESENCE -> new BusEvent.Presence(in.readInt(), StoredMessages.string(in), StoredMessages.string(in), in.readBoolean(), in.readInt());
            case DIRECT -> new BusEvent.Direct(in.readInt(), StoredMessages.string(in), StoredMessages.string(in), in.readLong());
            case CLIENT -> new BusEvent.Client(StoredMessages.string(in), in.readInt(), in.readBoolean());
            case FIGURES -> new BusEvent.Figures(in.readInt());
            case SYNC_REQUEST -> new BusEvent.SyncRequest();
            case SNAPSHOT -> {
                int connections = in.readInt();
                int n = in.readInt();
                List<BusEvent.Membership> memberships = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    memberships.add(new BusEvent.Membership(in.readInt(), StoredMessages.string(in), StoredMessages.string(in)));
                }
                int c = in.readInt();
                List<BusEvent.ClientSession> clients = new ArrayList<>(c);
                for (int i = 0; i < c; i++) {
                    clients.add(new BusEvent.ClientSession(StoredMessages.string(in), in.readInt()));
                }
                yield new BusEvent.Snapshot(connections, memberships, clients);
            }
            case GOODBYE -> new BusEvent.Goodbye();
            default -> throw new IOException("unknown bus event kind " + kind);
        };
    }

}
