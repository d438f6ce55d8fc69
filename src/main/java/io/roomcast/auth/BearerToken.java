package io.roomcast.auth;

/** Extracts the token of an {@code Authorization: Bearer} header. */
public final class BearerToken {

    private BearerToken() {
    }

    /** The token, "" for a header of another scheme, or null when there is no header. */
    public static String from(String authorization) {
        if (authorization == null) {
            return null;
        }
        return authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).trim() : "";
    }
}
