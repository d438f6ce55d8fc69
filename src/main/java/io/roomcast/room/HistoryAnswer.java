package io.roomcast.room;

import io.roomcast.connection.FrameSize;
import io.roomcast.protocol.FrameEncoder;
import io.roomcast.protocol.MessageFrames;
import io.roomcast.room.event.RoomEvent;
import io.roomcast.stream.AnswerBudget;
import io.roomcast.stream.History;
import java.util.ArrayList;
import java.util.List;

/**
 * One history answer being filled within {@code roomcast.history.answer-bytes} (PROTOCOL 13.1), as the
 * client will receive it: each message is encoded once, as it is offered, and counted in UTF-8 bytes
 * of that JSON (escapes included: a control character is six bytes); the envelope around the messages
 * is the answer's own record encoded with no messages and {@code complete:false} (the longer of the
 * two values). The answer is then those parts joined: nothing larger than the answer is ever built.
 */
final class HistoryAnswer implements AnswerBudget {

    /** The answer around its messages: its record for an epoch, an offset and {@code complete}, with no messages. */
    @FunctionalInterface
    interface Envelope {
        Record of(String epoch, Long offset, boolean complete);
    }

    /** Where the messages go in the envelope's JSON: a key's quotes are never escaped, a string's always are. */
    private static final String EMPTY_MESSAGES = "\"messages\":[]";
    /** Messages read before their sizes are known; then as many as the rest of the budget may hold. */
    static final int FIRST_BATCH = 16;
    static final int MAX_BATCH = 256;

    private final FrameEncoder encoder;
    private final long maxBytes;
    private final Envelope envelope;
    private final List<String> encoded = new ArrayList<>();
    private long used;
    private long largest;

    HistoryAnswer(FrameEncoder encoder, long maxBytes, Envelope envelope) {
        this.encoder = encoder;
        this.maxBytes = maxBytes;
        this.envelope = envelope;
    }

    @Override
    public void position(String epoch, long latest) {
        used = FrameSize.utf8Length(encoder.encode(envelope.of(epoch, latest, false)));
    }

    @Override
    public boolean take(RoomEvent.Message message) {
        String json = encoder.encode(MessageFrames.of(message));
        long size = FrameSize.utf8Length(json) + (encoded.isEmpty() ? 0 : 1); // and the comma before it
        if (!encoded.isEmpty() && used + size > maxBytes) {
            return false;
        }
        encoded.add(json);
        used += size;
        largest = Math.max(largest, size);
        return true;
    }

    @Override
    public int batch(int wanted) {
        if (encoded.isEmpty()) {
            return Math.min(wanted, FIRST_BATCH);
        }
        long fits = Math.max(0, maxBytes - used) / Math.max(1, largest);
        return (int) Math.max(1, Math.min(Math.min(wanted, MAX_BATCH), fits + 1));
    }

    /** The answer's JSON: the envelope of the page read, its messages those this budget took. */
    String json(History page, Long offset) {
        String around = encoder.encode(envelope.of(page.epoch(), offset, page.complete()));
        int at = around.indexOf(EMPTY_MESSAGES);
        if (at < 0) {
            throw new IllegalStateException("no empty messages array in " + around);
        }
        int split = at + EMPTY_MESSAGES.length() - 1;
        StringBuilder json = new StringBuilder((int) Math.min(Integer.MAX_VALUE - 8, used + 8));
        json.append(around, 0, split);
        for (int i = 0; i < encoded.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(encoded.get(i));
        }
        return json.append(around, split, around.length()).toString();
    }
}
