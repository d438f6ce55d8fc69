package io.roomcast.protocol;

/** The error codes of error frames and refused handshakes (PROTOCOL 2 and 3.2). */
public enum ErrorCode {
    INVALID_JSON,
    INVALID_MESSAGE,
    NOT_MEMBER,
    FORBIDDEN_ROOM,
    NOT_FOUND,
    RATE_LIMITED,
    INVALID_PARAMETER,
    MISSING_CREDENTIALS,
    INVALID_CREDENTIALS,
    FORBIDDEN_ORIGIN,
    FORBIDDEN_CLIENT,
    TOO_MANY_CONNECTIONS,
    TOO_MANY_ROOMS,
    TOO_LARGE,
    UPGRADE_REQUIRED,
    SHUTTING_DOWN,
    /** The rooms' streams cannot be vouched for now: no majority of the cluster (PROTOCOL 13.10). */
    UNAVAILABLE;

    /** The codes a refused handshake can carry (PROTOCOL 2, 11, 12 and 13.5; 426 for a plain request to /ws/*). */
    public static final java.util.Set<ErrorCode> HANDSHAKE = java.util.EnumSet.of(INVALID_PARAMETER,
            MISSING_CREDENTIALS, INVALID_CREDENTIALS, FORBIDDEN_ORIGIN, FORBIDDEN_ROOM, FORBIDDEN_CLIENT, TOO_MANY_CONNECTIONS, TOO_MANY_ROOMS,
            UPGRADE_REQUIRED, SHUTTING_DOWN, RATE_LIMITED);

    /** The code as written on the wire: {@code invalid_json}, {@code not_member}, ... */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
