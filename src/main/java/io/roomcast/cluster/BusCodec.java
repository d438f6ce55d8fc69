package io.roomcast.cluster;

import io.roomcast.room.event.RoomEvent;
import io.roomcast.tracing.TraceContext;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns bus events into sealed bytes and back. Hazelcast carries {@code byte[]} natively, so the
 * receiving member never has to load one of our classes through its own class loader (which cannot see
 * the WAR's classes), and the format stays ours to version: the first byte is {@link #VERSION}.
 *
 * <p>Every event is sealed ({@link ClusterSeal}, context {@value #CONTEXT}): bytes whose seal does not
 * open are not read at all, and the fields of those that do are read with their lengths checked against
 * the bytes before anything is allocated ({@link BoundedInput}), so a malformed event costs no more
 * memory than its own bytes (PROTOCOL 13.10).
 */
public final class BusCodec {

    /** 2: sealed. Version 1 (unsealed, before PROTOCOL 13.10) is not read. */
    static final int VERSION = 2;
    static final String CONTEXT = "roomcast.bus";

    private static final int MESSAGE = 1;
    private static final int BINARY = 2;
    private static final int PRESENCE = 3;
    private static final int DIRECT = 4;
    private static final int CLIENT = 5;
    private static final int FIGURES = 6;
    private static final int SYNC_REQUEST = 7;
    private static final int SNAPSHOT = 8;
    private static final int GOODBYE = 9;
    private static final int PING = 10;
    private static final int PONG = 11;
    /**
     * A message with its trace context (docs/DEPLOYMENT.md, "Tracing"): {@link #MESSAGE}'s fields, then the
     * traceparent. A kind of its own rather than a field added to {@link #MESSAGE}, so that with tracing off
     * (the default) every event is byte for byte what instances of earlier releases send and read; an
     * instance of an earlier release refuses this kind (and logs it), so tracing is turned on once every
     * instance of the cluster runs a release that reads it.
     */
    private static final int TRACED_MESSAGE = 12;
    /** The smallest encoding of a snapshot's membership (room, two empty strings) and client session. */
    private static final int MEMBERSHIP_BYTES = 12;
    private static final int CLIENT_SESSION_BYTES = 8;

    /** A decoded event with the instance that published it. */
    public record Envelope(Origin origin, BusEvent event) {
    }

    /** Bytes whose seal did not open: another secret, no secret, or altered on the way. */
    static final class Unsealed extends IllegalArgumentException {
        Unsealed() {
            super("a cluster bus event whose seal does not open (another roomcast.cluster.secret, or forged)");
        }
    }

    private final ClusterSeal seal;

    public BusCodec(ClusterSeal seal) {
        this.seal = seal;
    }

    public byte[] encode(Origin origin, BusEvent event) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            StoredMessages.string(out, origin.member());
            StoredMessages.string(out, origin.instance());
            write(out, event);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return seal.seal(CONTEXT, bytes.toByteArray());
    }

    /**
     * @throws Unsealed when the seal does not open
     * @throws IllegalArgumentException when the sealed bytes are not an event of this version
     */
    public Envelope decode(byte[] data) {
        byte[] opened = seal.open(CONTEXT, data);
        if (opened == null) {
            throw new Unsealed();
        }
        BoundedInput in = new BoundedInput(opened);
        int version = in.unsignedByte();
        if (version != VERSION) {
            throw new IllegalArgumentException("bus event of version " + version + ", expected " + VERSION);
        }
        Origin origin = new Origin(in.string(), in.string());
        BusEvent event = read(in);
        in.end();
        return new Envelope(origin, event);
    }

    private static void write(DataOutputStream out, BusEvent event) throws IOException {
        if (event instanceof BusEvent.Message m) {
            String trace = m.message().trace();
            out.writeByte(trace == null ? MESSAGE : TRACED_MESSAGE);
            StoredMessages.write(out, m.message());
            if (trace != null) {
                StoredMessages.string(out, trace);
            }
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
        } else if (event instanceof BusEvent.Ping p) {
            out.writeByte(PING);
            out.writeLong(p.nonce());
        } else if (event instanceof BusEvent.Pong p) {
            out.writeByte(PONG);
            out.writeLong(p.nonce());
            StoredMessages.string(out, p.to());
        } else {
            throw new IllegalArgumentException("unknown bus event " + event);
        }
    }

    private static BusEvent read(BoundedInput in) {
        int kind = in.unsignedByte();
        return switch (kind) {
            case MESSAGE -> new BusEvent.Message(StoredMessages.read(in));
            case TRACED_MESSAGE -> {
                RoomEvent.Message message = StoredMessages.read(in);
                // sealed by an instance of ours, yet a trace context that does not parse is dropped, as W3C asks
                yield new BusEvent.Message(message.traced(TraceContext.orNull(in.string())));
            }
            case BINARY -> new BusEvent.Binary(in.int32(), in.bytes());
            case PRESENCE -> new BusEvent.Presence(in.int32(), in.string(), in.string(), in.bool(), in.int32());
            case DIRECT -> new BusEvent.Direct(in.int32(), in.string(), in.string(), in.int64());
            case CLIENT -> new BusEvent.Client(in.string(), in.int32(), in.bool());
            case FIGURES -> new BusEvent.Figures(in.int32());
            case SYNC_REQUEST -> new BusEvent.SyncRequest();
            case SNAPSHOT -> {
                int connections = in.int32();
                int n = in.count(MEMBERSHIP_BYTES);
                List<BusEvent.Membership> memberships = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    memberships.add(new BusEvent.Membership(in.int32(), in.string(), in.string()));
                }
                int c = in.count(CLIENT_SESSION_BYTES);
                List<BusEvent.ClientSession> clients = new ArrayList<>(c);
                for (int i = 0; i < c; i++) {
                    clients.add(new BusEvent.ClientSession(in.string(), in.int32()));
                }
                yield new BusEvent.Snapshot(connections, memberships, clients);
            }
            case GOODBYE -> new BusEvent.Goodbye();
            case PING -> new BusEvent.Ping(in.int64());
            case PONG -> new BusEvent.Pong(in.int64(), in.string());
            default -> throw new IllegalArgumentException("unknown bus event kind " + kind);
        };
    }
}
