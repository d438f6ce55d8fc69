package io.roomcast.auth;

/** A token failed verification. The message says why, and never contains the token. */
public final class InvalidTokenException extends Exception {

    public InvalidTokenException(String reason) {
        super(reason, null, false, false);
    }
}
