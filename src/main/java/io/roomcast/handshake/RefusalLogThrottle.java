package io.roomcast.handshake;

import io.roomcast.protocol.ErrorCode;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Decides which refused handshakes get a log line: at most one per second per error code, so a flood
 * of refusals (a client retrying in a loop, a scan) cannot flood the log. The line that is written
 * carries how many refusals of its code happened since the previous line, itself included; the
 * refusals in between are still counted in the metrics.
 */
public final class RefusalLogThrottle {

    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final LongSupplier nanoClock;
    private final Map<ErrorCode, Window> windows = new EnumMap<>(ErrorCode.class);

    /** @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime} in production) */
    public RefusalLogThrottle(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * Counts one refusal of the code.
     *
     * @return 0 when no line is due, else the number of refusals of the code since the last line
     */
    public synchronized long refused(ErrorCode code) {
        long now = nanoClock.getAsLong();
        Window window = windows.computeIfAbsent(code, c -> new Window());
        window.count++;
        if (window.logged && now - window.lastLine < INTERVAL_NANOS) {
            return 0;
        }
        long count = window.count;
        window.count = 0;
        window.lastLine = now;
        window.logged = true;
        return count;
    }

    private static final class Window {
        boolean logged;
        long lastLine;
        long count;
    }
}
