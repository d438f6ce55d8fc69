package io.roomcast.protocol;

/**
 * The sentences of error frames and error bodies that more than one place gives: each is spelled here
 * once, so the handshake, the JSON protocol and the HTTP API say the same thing for the same refusal.
 */
public final class ErrorTexts {

    public static final String INVALID_CREDENTIALS = "invalid credentials";
    public static final String BEARER_REQUIRED = "an Authorization: Bearer token is required";
    public static final String SHUTTING_DOWN = "server shutting down: connect again in a moment";
    public static final String NO_ROOM_CAPACITY = "the server has no capacity for another room";

    private ErrorTexts() {
    }

    /** {@code forbidden_room}. */
    public static String forbiddenRoom(int room) {
        return "the token does not allow room " + room;
    }

    /** {@code forbidden_client}. */
    public static String forbiddenClient(int clientId) {
        return "the token does not allow client id " + clientId;
    }

    /** {@code too_many_rooms} for the room quota of one user, guests of one address (PROTOCOL 13.6). */
    public static String roomsPerUser(int quota) {
        return "one user (a guest: one address) may be in at most " + quota + " rooms";
    }

    /** {@code invalid_parameter} for a path's room or client id; {@code what} is "room" or "client". */
    public static String idOutOfRange(String what) {
        return what + " id must be an integer from 1 to 2147483647";
    }
}
