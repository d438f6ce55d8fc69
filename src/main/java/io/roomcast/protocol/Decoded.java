package io.roomcast.protocol;

/** The outcome of decoding one text frame: a valid client frame, or the error to answer with. */
public sealed interface Decoded {

    record Valid(ClientFrame frame) implements Decoded {
    }

    record Invalid(ErrorCode code, String message, String ref) implements Decoded {
    }
}
