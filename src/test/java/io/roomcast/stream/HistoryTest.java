package io.roomcast.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.room.RoomEvent;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The history answer of PROTOCOL 9.2: which messages, and when {@code complete} is false. */
class HistoryTest {

    private static final int ROOM = 7;
    private final AtomicLong clock = new AtomicLong();
    private MemoryStreams store;
    private String epoch;

    @BeforeEach
    void fiveMessagesOfWhichThreeAreKept() {
        store = new MemoryStreams(3, 1_000, Long.MAX_VALUE, room -> false, clock::get);
        for (int i = 1; i <= 5; i++) {
            epoch = store.append(new RoomEvent.Message(ROOM, "id" + i, "bob", "m" + i, null, i), null).message().epoch();
        }
    }

    private static long[] offsets(History history) {
        return history.messages().stream().mapToLong(RoomEvent.Message::offset).toArray();
    }

    @Test
    void withoutSinceTheNewestLimitKeptMessagesInOffsetOrder() {
        History history = History.of(store, ROOM, null, 2);
        assertThat(offsets(history)).containsExactly(4, 5);
        assertThat(history.epoch()).isEqualTo(epoch);
        assertThat(history.latest()).isEqualTo(5);
        assertThat(history.complete()).as("message 3 was left out by the limit").isFalse();
    }

    @Test
    void withoutSinceEverythingKeptIsComplete() {
        History history = History.of(store, ROOM, null, 100);
        assertThat(offsets(history)).containsExactly(3, 4, 5);
        assertThat(history.complete()).isTrue();
    }

    @Test
    void withSinceTheOldestLimitAfterIt() {
        History history = History.of(store, ROOM, new StreamPosition(epoch, 2), 2);
        assertThat(offsets(history)).containsExactly(3, 4);
        assertThat(history.complete()).isFalse();
        History rest = History.of(store, ROOM, new StreamPosition(epoch, 3), 100);
        assertThat(offsets(rest)).containsExactly(4, 5);
        assertThat(rest.complete()).isTrue();
    }

    @Test
    void aSinceBelowTheOldestKeptMinusOneIsIncomplete() {
        History history = History.of(store, ROOM, new StreamPosition(epoch, 1), 100);
        assertThat(offsets(history)).containsExactly(3, 4, 5);
        assertThat(history.complete()).as("message 2 was dropped").isFalse();
    }

    @Test
    void aSinceAtTheLatestIsCompleteAndEmpty() {
        History history = History.of(store, ROOM, new StreamPosition(epoch, 5), 100);
        assertThat(history.messages()).isEmpty();
        assertThat(history.complete()).isTrue();
    }

    @Test
    void aSinceOfAnotherEpochGetsTheOldestKeptAndIsNeverComplete() {
        History history = History.of(store, ROOM, new StreamPosition("other", 4), 100);
        assertThat(offsets(history)).containsExactly(3, 4, 5);
        assertThat(history.epoch()).isEqualTo(epoch);
        assertThat(history.complete()).isFalse();
    }

    @Test
    void aSinceBelowEverythingWhenAllExpiredIsIncomplete() {
        clock.addAndGet(2_000);
        History history = History.of(store, ROOM, new StreamPosition(epoch, 4), 100);
        assertThat(history.messages()).isEmpty();
        assertThat(history.latest()).isEqualTo(5);
        assertThat(history.complete()).as("message 5 expired").isFalse();
    }

    @Test
    void aRoomNeverUsedGetsAnEpochAndAnEmptyCompleteAnswer() {
        History history = History.of(store, 8, null, 100);
        assertThat(history.epoch()).isNotBlank().isNotEqualTo(epoch);
        assertThat(history.latest()).isZero();
        assertThat(history.messages()).isEmpty();
        assertThat(history.complete()).isTrue();
    }

    @Test
    void streamsOffAnswerNoEpochAndNothing() {
        MemoryStreams off = new MemoryStreams(0, 1_000, Long.MAX_VALUE, room -> false, clock::get);
        History history = History.of(off, ROOM, new StreamPosition("e", 1), 100);
        assertThat(history.epoch()).isNull();
        assertThat(history.messages()).isEmpty();
        assertThat(history.complete()).isTrue();
    }
}
