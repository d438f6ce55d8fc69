package io.roomcast.room.event;

/**
 * What the room feature ({@code io.roomcast.room}) emits: each membership change, publication and direct
 * message becomes one event, delivered to this instance's connections and replicated to the others once.
 * Events carry no wire format; every connection renders an event into its own representation when it is
 * delivered. A package of its own, below the feature, because the rooms' streams ({@code stream}) keep
 * the messages and the cluster adapter carries every event: both speak this vocabulary without knowing
 * the feature.
 */
public sealed interface RoomEvent {

    /**
     * A text message for every member of the room, the sender included. {@code epoch} and
     * {@code offset} are its place in the room's stream (PROTOCOL 9): null and 0 until the stream gave
     * it one, and for good when streams are off. {@code trace} is the W3C {@code traceparent} of its
     * publish's span when tracing is on (docs/DEPLOYMENT.md, "Tracing"), so that every room's fan-out,
     * here and on the other instances, is a child of that span; null when untraced. It travels with the
     * message through the stream's append and the cluster bus, not into what a stream keeps on disk.
     */
    record Message(int room, String id, String from, String text, String ref, long timestamp, String epoch,
                   long offset, String trace) implements RoomEvent {

        /** A message not yet in its room's stream. */
        public Message(int room, String id, String from, String text, String ref, long timestamp) {
            this(room, id, from, text, ref, timestamp, null, 0, null);
        }

        /** An untraced message. */
        public Message(int room, String id, String from, String text, String ref, long timestamp, String epoch,
                       long offset) {
            this(room, id, from, text, ref, timestamp, epoch, offset, null);
        }

        public Message at(String epoch, long offset) {
            return new Message(room, id, from, text, ref, timestamp, epoch, offset, trace);
        }

        /** The same message, traced under {@code traceparent} (null: untraced). */
        public Message traced(String traceparent) {
            return new Message(room, id, from, text, ref, timestamp, epoch, offset, traceparent);
        }

        public boolean positioned() {
            return epoch != null;
        }
    }

    /** A binary frame, relayed unchanged to the room's chat members; the bytes are never changed. */
    record Binary(int room, byte[] bytes) implements RoomEvent {
    }

    /**
     * A member joined ({@code joined} true) or left; {@code members} is the count on every instance
     * after the change. {@code connectionId} is the member's own connection, which does not hear of
     * itself; null for a member that no connection of this instance is.
     */
    record Presence(int room, String connectionId, String user, boolean joined, int members) implements RoomEvent {
    }

    /** A direct message for the {@code /ws/secure/{clientId}} sessions of a client id. */
    record Direct(int to, String from, String text, long timestamp) implements RoomEvent {
    }

    /**
     * A {@code /ws/secure/{clientId}} session opened ({@code online}) or ended: nothing to deliver, but
     * where a client id is served matters to whoever routes direct messages.
     */
    record ClientSession(String connectionId, int clientId, boolean online) implements RoomEvent {
    }
}
