package io.roomcast.room;

import io.roomcast.room.event.RoomEvent;

/** What {@link Rooms} answers to a {@link RoomCommand}: one record per outcome. */
public sealed interface RoomResult {

    /** How a {@link RoomCommand.Join} ended: joined, or refused with the reason. */
    sealed interface JoinOutcome extends RoomResult permits Joined, Refused {
    }

    /**
     * The connection is a member of the room (it may have been one already); {@code members} counts every
     * instance's. A JSON member was sent its {@code joined} reply, and any replay, before any live message.
     */
    record Joined(int room, int members) implements JoinOutcome {
    }

    /** Nothing changed; nothing was sent to the connection: answering is the caller's. */
    record Refused(int room, Refusal refusal) implements JoinOutcome {
    }

    /** Why a join changed nothing. */
    enum Refusal {
        /** The connection is in {@code roomcast.limits.rooms-per-connection} rooms already. */
        ROOMS_PER_CONNECTION,
        /** The join would create a room beyond {@code roomcast.limits.rooms}. */
        ROOMS,
        /** The connection's user (a guest: its address) is in {@code roomcast.limits.rooms-per-user} rooms already. */
        ROOMS_PER_USER,
        /** The connection has ended: it joins nothing any more. */
        ENDED
    }

    /** The outcome of a {@link RoomCommand.Leave}: false when the connection was not a member. */
    record Left(int room, boolean wasMember) implements RoomResult {
    }

    /**
     * A message in its room's stream: its id and place there ({@code epoch} and {@code offset} are null when
     * streams are off). For a repeated idempotency key, the first publish's, which nobody receives again.
     */
    record Published(String id, String epoch, Long offset) implements RoomResult {

        static Published of(RoomEvent.Message placed) {
            return new Published(placed.id(), placed.epoch(), placed.positioned() ? placed.offset() : null);
        }
    }

    /** A history answer's JSON, bounded by {@code roomcast.history.answer-bytes} (PROTOCOL 13.1). */
    record Answer(String json) implements RoomResult {
    }

    /** The outcome of a {@link RoomCommand.Direct}: false, publishing nothing, when the client id is connected nowhere. */
    record Sent(boolean connected) implements RoomResult {
    }
}
