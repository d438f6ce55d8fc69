package io.roomcast.session;

import java.util.concurrent.CompletionException;

/** What a completion stage failed with, as the code that threw it threw it. */
final class Failures {

    private Failures() {
    }

    /** The cause a {@link CompletionException} wraps; the failure itself otherwise (null for none). */
    static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException wrapped && wrapped.getCause() != null ? wrapped.getCause() : failure;
    }
}
