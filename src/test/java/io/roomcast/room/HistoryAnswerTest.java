package io.roomcast.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.protocol.FrameEncoder;
import io.roomcast.protocol.MessageFrames;
import io.roomcast.protocol.ServerFrames;
import io.roomcast.room.event.RoomEvent;
import io.roomcast.stream.AnswerBudget;
import io.roomcast.stream.History;
import io.roomcast.stream.MemoryStreams;
import io.roomcast.stream.StreamPosition;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A history answer within its byte bound (PROTOCOL 13.1): the JSON is exactly what encoding the whole
 * frame would give, never longer than the bound, measured as the client receives it (escapes included).
 */
class HistoryAnswerTest {

    private static final int ROOM = 7;
    private final FrameEncoder encoder = new FrameEncoder();
    private final AtomicLong clock = new AtomicLong();

    private MemoryStreams store(String... texts) {
        MemoryStreams store = new MemoryStreams(1000, 1_000_000, Long.MAX_VALUE, room -> true, clock::get);
        int i = 0;
        for (String text : texts) {
            store.append(new RoomEvent.Message(ROOM, "id-" + ++i, "bob", text, null, 1_700_000_000_000L + i), null);
        }
        return store;
    }

    private HistoryAnswer frame(long maxBytes, String ref) {
        return new HistoryAnswer(encoder, maxBytes, (epoch, offset, complete) ->
                new ServerFrames.History(ROOM, epoch, offset, List.of(), complete, ref));
    }

    private static int bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8).length;
    }

    /** What encoding the whole frame at once gives, for comparison. */
    private String whole(History page, String ref) {
        return encoder.encode(new ServerFrames.History(ROOM, page.epoch(), page.latest(),
                page.messages().stream().map(MessageFrames::of).toList(), page.complete(), ref));
    }

    @Test
    void theJsonIsTheWholeFramesEncodingWhateverTheRefAndTheTexts() {
        MemoryStreams store = store("one", "two \"quoted\" \"messages\":[]", "été ☃ \u0001");
        for (String ref : new String[] {null, "r", "\"messages\":[]"}) {
            HistoryAnswer answer = frame(Long.MAX_VALUE, ref);
            History page = History.of(store, ROOM, null, 100, answer);
            assertThat(page.messages()).hasSize(3);
            assertThat(answer.json(page, page.latest())).isEqualTo(whole(page, ref));
        }
    }

    @Test
    void messagesStopAtTheFirstThatWouldPassTheBoundAndTheAnswerIsIncomplete() {
        MemoryStreams store = store("a".repeat(300), "b".repeat(300), "c".repeat(300), "d".repeat(300));
        String all = whole(History.of(store, ROOM, null, 100, AnswerBudget.UNBOUNDED), null);
        HistoryAnswer probe = frame(Long.MAX_VALUE, null);
        History two = History.of(store, ROOM, null, 2, probe);
        int twoBytes = bytes(whole(new History(two.epoch(), two.latest(), two.messages(), false), null));
        for (int bound : new int[] {twoBytes, twoBytes + 1, bytes(all) - 1}) {
            HistoryAnswer answer = frame(bound, null);
            History page = History.of(store, ROOM, null, 100, answer);
            String json = answer.json(page, page.latest());
            assertThat(bytes(json)).as("bound %d", bound).isLessThanOrEqualTo(bound);
            assertThat(page.complete()).isFalse();
            assertThat(json).isEqualTo(whole(page, null));
            int next = page.messages().size();
            String withNext = whole(new History(page.epoch(), page.latest(),
                    History.of(store, ROOM, null, 100, AnswerBudget.UNBOUNDED).messages().subList(0, next + 1), false), null);
            assertThat(bytes(withNext)).as("the next message would have passed the bound").isGreaterThan(bound);
        }
        HistoryAnswer exact = frame(bytes(all) + 1, null); // complete:false is one byte longer than true
        History page = History.of(store, ROOM, null, 100, exact);
        assertThat(page.messages()).hasSize(4);
        assertThat(exact.json(page, page.latest())).isEqualTo(all);
    }

    @Test
    void oneMessageIsAlwaysIncludedEvenWhenItAlonePassesTheBound() {
        MemoryStreams store = store("x".repeat(5000), "y");
        HistoryAnswer answer = frame(100, "r");
        History page = History.of(store, ROOM, null, 100, answer);
        assertThat(page.messages()).extracting(RoomEvent.Message::offset).containsExactly(1L);
        assertThat(page.complete()).isFalse();
        HistoryAnswer next = frame(100, "r");
        History rest = History.of(store, ROOM, new StreamPosition(page.epoch(), 1), 100, next);
        assertThat(rest.messages()).extracting(RoomEvent.Message::offset).containsExactly(2L);
        assertThat(rest.complete()).isTrue();
    }

    @Test
    void controlCharactersAreCountedAsTheSixByteEscapesTheClientReceives() {
        String controls = "\u0001".repeat(1000); // 1,000 UTF-8 bytes in the stream, 6,000 once escaped in JSON
        MemoryStreams store = store(controls, controls, controls);
        HistoryAnswer answer = frame(10_000, null);
        History page = History.of(store, ROOM, null, 100, answer);
        String json = answer.json(page, page.latest());
        assertThat(page.messages()).as("two would be 12,000 bytes").hasSize(1);
        assertThat(bytes(json)).isGreaterThan(6_000).isLessThanOrEqualTo(10_000);
    }

    @Test
    void aRoomWithoutAStreamAnswersNoEpochOffsetZeroAndComplete() {
        MemoryStreams store = store();
        HistoryAnswer answer = frame(100, null);
        History page = History.of(store, 8, null, 100, answer);
        assertThat(answer.json(page, 0L)).isEqualTo(
                "{\"type\":\"history\",\"room\":7,\"epoch\":null,\"offset\":0,\"messages\":[],\"complete\":true,\"ref\":null}");
        assertThat(store.streams()).isZero();
    }

    @Test
    void readsFollowWhatTheBudgetCanStillHold() {
        HistoryAnswer answer = frame(10_000, null);
        assertThat(answer.batch(1000)).isEqualTo(HistoryAnswer.FIRST_BATCH);
        answer.position("e", 10);
        assertThat(answer.take(new RoomEvent.Message(ROOM, "id", "bob", "z".repeat(900), null, 1).at("e", 1))).isTrue();
        assertThat(answer.batch(1000)).as("about 9 more of ~1 KB fit").isBetween(8, 11);
        assertThat(answer.batch(3)).isEqualTo(3);
    }
}
