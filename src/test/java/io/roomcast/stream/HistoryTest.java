package io.roomcast.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.room.event.RoomEvent;
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
        History history = History.of(store, ROOM, null, 2, AnswerBudget.UNBOUNDED);
        assertThat(offsets(history)).containsExactly(4, 5);
        assertThat(history.epoch()).isEqualTo(epoch);
        assertThat(history.latest()).isEqualTo(5);
        assertThat(history.complete()).as("message 3 was left out by the limit").isFalse();
    }

    @Test
    void withoutSinceEverythingKeptIsComplete() {
        History history = History.of(store, ROOM, null, 100, AnswerBudget.UNBOUNDED);
        assertThat(offsets(history)).containsExactly(3, 4, 5);
        assertThat(history.complete()).isTrue();
    }

    @Test
    void withSinceTheOldestLimitAfterIt() {
        History history = History.of(store, ROOM, new StreamPosition(epoch, 2), 2, AnswerBudget.UNBOUNDED);
        assertThat(offsets(history)).containsExactly(3, 4);
        assertThat(history.complete()).isFalse();
        History rest = History.of(store, ROOM, new StreamPosition(epoch, 3), 100, AnswerBudget.UNBOUNDED);
        assertThat(offsets(rest)).containsExactly(4, 5);
        assertThat(rest.complete()).isTrue();
    }

    @Test
    void aSinceBelowTheOldestKeptMinusOneIsIncomplete() {
        History history = History.of(store, ROOM, new StreamPosition(epoch, 1), 100, AnswerBudget.UNBOUNDED);
        assertThat(offsets(history)).containsExactly(3, 4, 5);
        assertThat(history.complete()).as("message 2 was dropped").isFalse();
    }

    @Test
    void aSinceAtTheLatestIsCompleteAndEmpty() {
        History history = History.of(store, ROOM, new StreamPosition(epoch, 5), 100, AnswerBudget.UNBOUNDED);
        assertThat(history.messages()).isEmpty();
        assertThat(history.complete()).isTrue();
    }

    @Test
    void aSinceOfAnotherEpochGetsTheOldestKeptAndIsNeverComplete() {
        History history = History.of(store, ROOM, new StreamPosition("other", 4), 100, AnswerBudget.UNBOUNDED);
        assertThat(offsets(history)).containsExactly(3, 4, 5);
        assertThat(history.epoch()).isEqualTo(epoch);
        assertThat(history.complete()).isFalse();
    }

    @Test
    void aSinceBelowEverythingWhenAllExpiredIsIncomplete() {
        clock.addAndGet(2_000);
        History history = History.of(store, ROOM, new StreamPosition(epoch, 4), 100, AnswerBudget.UNBOUNDED);
        assertThat(history.messages()).isEmpty();
        assertThat(history.latest()).isEqualTo(5);
        assertThat(history.complete()).as("message 5 expired").isFalse();
    }

    @Test
    void aRoomNeverUsedAnswersNoEpochNothingAndCompleteAndCreatesNoStream() {
        long streams = store.streams();
        History history = History.of(store, 8, new StreamPosition("e", 3), 100, AnswerBudget.UNBOUNDED);
        assertThat(history).isEqualTo(History.none());
        assertThat(history.epoch()).isNull();
        assertThat(history.latest()).isZero();
        assertThat(history.complete()).isTrue();
        assertThat(History.of(store, 8, null, 100, AnswerBudget.UNBOUNDED)).isEqualTo(History.none());
        assertThat(store.streams()).isEqualTo(streams);
    }

    @Test
    void theBudgetEndsTheAnswerIncompleteAtTheFirstMessageItRefuses() {
        Budget two = new Budget(2);
        History history = History.of(store, ROOM, null, 100, two);
        assertThat(offsets(history)).containsExactly(3, 4);
        assertThat(history.complete()).as("message 5 was left out by the budget").isFalse();
        assertThat(two.epoch).isEqualTo(epoch);
        assertThat(two.latest).isEqualTo(5);
        History next = History.of(store, ROOM, new StreamPosition(epoch, 4), 100, new Budget(2));
        assertThat(offsets(next)).as("paging on with since").containsExactly(5);
        assertThat(next.complete()).isTrue();
    }

    @Test
    void oneMessageIsAlwaysTakenWhenAnyMatches() {
        History history = History.of(store, ROOM, new StreamPosition(epoch, 2), 100, new Budget(0));
        assertThat(offsets(history)).containsExactly(3);
        assertThat(history.complete()).isFalse();
    }

    @Test
    void messagesAreReadInTheBatchesTheBudgetAsksFor() {
        MemoryStreams big = new MemoryStreams(1000, 1_000, Long.MAX_VALUE, room -> false, clock::get);
        for (int i = 1; i <= 50; i++) {
            big.append(new RoomEvent.Message(ROOM, "id" + i, "bob", "m" + i, null, i), null);
        }
        Budget budget = new Budget(Integer.MAX_VALUE);
        budget.batch = 7;
        History history = History.of(big, ROOM, null, 30, budget);
        assertThat(offsets(history)).hasSize(30).startsWith(21).endsWith(50);
        assertThat(history.complete()).isFalse();
        assertThat(budget.asked).containsExactly(30, 23, 16, 9, 2);
    }

    @Test
    void messagesPublishedWhileTheAnswerIsReadAreNotInIt() {
        MemoryStreams big = new MemoryStreams(1000, 1_000, Long.MAX_VALUE, room -> false, clock::get);
        for (int i = 1; i <= 4; i++) {
            big.append(new RoomEvent.Message(ROOM, "id" + i, "bob", "m" + i, null, i), null);
        }
        Budget budget = new Budget(Integer.MAX_VALUE) {
            @Override
            public boolean take(RoomEvent.Message message) {
                big.append(new RoomEvent.Message(ROOM, "late" + message.offset(), "bob", "late", null, 9), null);
                return super.take(message);
            }
        };
        budget.batch = 1;
        History history = History.of(big, ROOM, null, 100, budget);
        assertThat(offsets(history)).containsExactly(1, 2, 3, 4);
        assertThat(history.latest()).isEqualTo(4);
        assertThat(history.complete()).isTrue();
    }

    /** Takes at most {@code max} messages (the first always), in batches of {@code batch}; records what it was asked. */
    private static class Budget implements AnswerBudget {
        final int max;
        final java.util.List<Integer> asked = new java.util.ArrayList<>();
        int batch = Integer.MAX_VALUE;
        int taken;
        String epoch;
        long latest;

        Budget(int max) {
            this.max = max;
        }

        @Override
        public void position(String epoch, long latest) {
            this.epoch = epoch;
            this.latest = latest;
        }

        @Override
        public boolean take(RoomEvent.Message message) {
            if (taken > 0 && taken >= max) {
                return false;
            }
            taken++;
            return true;
        }

        @Override
        public int batch(int wanted) {
            asked.add(wanted);
            return Math.min(wanted, batch);
        }
    }

    @Test
    void streamsOffAnswerNoEpochAndNothing() {
        MemoryStreams off = new MemoryStreams(0, 1_000, Long.MAX_VALUE, room -> false, clock::get);
        History history = History.of(off, ROOM, new StreamPosition("e", 1), 100, AnswerBudget.UNBOUNDED);
        assertThat(history.epoch()).isNull();
        assertThat(history.messages()).isEmpty();
        assertThat(history.complete()).isTrue();
    }
}
