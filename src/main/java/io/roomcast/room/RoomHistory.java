package io.roomcast.room;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.protocol.FrameEncoder;
import io.roomcast.protocol.ServerFrames;
import io.roomcast.stream.History;
import io.roomcast.stream.StreamPosition;
import io.roomcast.stream.StreamStore;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.List;

/**
 * History answers (PROTOCOL 9.2): a page of a room's stream as JSON, within
 * {@code roomcast.history.answer-bytes} (13.1); a room without a stream answers no epoch, offset 0 and
 * creates none (13.3). Who may read it is the caller's to check.
 */
@Dependent
public class RoomHistory {

    private final StreamStore store;
    private final FrameEncoder encoder;
    private final RoomcastSettings settings;

    @Inject
    public RoomHistory(StreamStore store, FrameEncoder encoder, RoomcastSettings settings) {
        this.store = store;
        this.encoder = encoder;
        this.settings = settings;
    }

    /** The {@code history} frame's JSON. */
    public String frame(int room, StreamPosition since, int limit, String ref) {
        return answer(room, since, limit,
                (epoch, offset, complete) -> new ServerFrames.History(room, epoch, offset, List.of(), complete, ref));
    }

    /** The same page as {@code GET /api/rooms/{roomId}/history} answers it (without {@code type} and {@code ref}). */
    public String page(int room, StreamPosition since, int limit) {
        return answer(room, since, limit,
                (epoch, offset, complete) -> new ServerFrames.HistoryPage(room, epoch, offset, List.of(), complete));
    }

    private String answer(int room, StreamPosition since, int limit, HistoryAnswer.Envelope envelope) {
        HistoryAnswer answer = new HistoryAnswer(encoder, settings.historyAnswerBytes(), envelope);
        History page = History.of(store, room, since, limit, answer);
        return answer.json(page, store.enabled() ? page.latest() : null); // streams off: offset null (docs section 8)
    }
}
