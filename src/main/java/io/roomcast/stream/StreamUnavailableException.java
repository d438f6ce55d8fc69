package io.roomcast.stream;

/**
 * The rooms' streams cannot be vouched for now, so nothing is appended, read or acknowledged: in a
 * cluster, this instance cannot reach a majority of its instances (PROTOCOL 13.10), and what it would
 * store or hand out might be discarded when the cluster heals. Clients get {@code unavailable} (HTTP 503
 * with {@code Retry-After}) and try again; the message says why, for the log and the client, and names
 * nothing internal.
 */
public final class StreamUnavailableException extends RuntimeException {

    /** Seconds a refused client is told to wait ({@code Retry-After}): a pause or a partition may end soon. */
    public static final int RETRY_AFTER_SECONDS = 1;

    public StreamUnavailableException(String message) {
        super(message, null, false, false); // an expected refusal, often many at once: no stack trace
    }
}
