package io.roomcast.handshake;

import java.util.Set;

/** What a valid token says: the user, and the rooms it allows (null: all rooms). */
public record VerifiedToken(String user, Set<Integer> rooms) {
}
