package io.roomcast.room;

/**
 * What the room feature needs to know of members it does not hold itself (those of other instances): room
 * counts are reported cluster-wide, and a direct message to a client id served elsewhere is not
 * {@code not_found}. On a single server both are always empty.
 */
public interface MembersElsewhere {

    /** Members of the room held elsewhere. */
    int members(int room);

    /** Whether a session of the client id is held elsewhere. */
    boolean hasClient(int clientId);
}
