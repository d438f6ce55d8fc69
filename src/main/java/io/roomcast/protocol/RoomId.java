package io.roomcast.protocol;

/**
 * A room id as the protocol allows it, 1..2147483647, parsed once from the text the client wrote: the
 * handshake parses the chat path's room and the connection carries it from then on.
 */
public record RoomId(int value) {

    public RoomId {
        if (value < 1) {
            throw new IllegalArgumentException("room id " + value);
        }
    }

    /** The room id of a path parameter; null when it is not one (see {@link ClientFrameDecoder#parseId}). */
    public static RoomId parse(String raw) {
        int id = ClientFrameDecoder.parseId(raw);
        return id < 0 ? null : new RoomId(id);
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
