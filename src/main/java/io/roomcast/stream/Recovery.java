package io.roomcast.stream;

/**
 * Whether a {@code join} with {@code since} can be recovered (PROTOCOL 9.1), judged against the
 * position the joiner's live messages start after ({@code epoch}, {@code latest}) and the oldest
 * offset still kept. The reasons are tried in the protocol's order.
 */
public record Recovery(boolean recovered, long missed, String reason) {

    public static final String DISABLED = "disabled";
    public static final String EPOCH_CHANGED = "epoch_changed";
    public static final String UNKNOWN_POSITION = "unknown_position";
    public static final String TOO_OLD = "too_old";

    static final Recovery NOT_ASKED = new Recovery(false, 0, null);

    public static Recovery notAsked() {
        return NOT_ASKED;
    }

    public static Recovery decide(boolean enabled, StreamPosition since, String epoch, long latest, long oldest) {
        if (!enabled) {
            return failed(DISABLED);
        }
        if (!since.epoch().equals(epoch)) {
            return failed(EPOCH_CHANGED);
        }
        if (since.offset() > latest) {
            return failed(UNKNOWN_POSITION);
        }
        if (since.offset() < latest && since.offset() + 1 < oldest) {
            return failed(TOO_OLD);
        }
        return new Recovery(true, latest - since.offset(), null);
    }

    public static Recovery failed(String reason) {
        return new Recovery(false, 0, reason);
    }
}
