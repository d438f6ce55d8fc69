package io.roomcast.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.room.event.RoomEvent;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/** One instance's room streams (PROTOCOL 9): offsets, the size, TTL and byte bounds, epochs, de-duplication. */
class MemoryStreamsTest {

    private static final long TTL = 1_000;
    private final AtomicLong clock = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();

    private MemoryStreams streams(int size, long maxBytes, IntPredicate hasMembers) {
        return new MemoryStreams(size, TTL, maxBytes, hasMembers, clock::get);
    }

    private RoomEvent.Message message(int room, String text) {
        // ids of one width: every message of the same text costs the same
        return new RoomEvent.Message(room, String.format("id-%06d", ids.incrementAndGet()), "bob", text, null, 1);
    }

    private RoomEvent.Message append(MemoryStreams store, int room) {
        return store.append(message(room, "text"), null).message();
    }

    private static long[] kept(MemoryStreams store, int room) {
        return store.read(room, 0, Integer.MAX_VALUE, false).messages().stream().mapToLong(RoomEvent.Message::offset).toArray();
    }

    @Test
    void offsetsStartAtOneAndGrowByOnePerRoomEachRoomWithItsOwnEpoch() {
        MemoryStreams store = streams(10, Long.MAX_VALUE, r -> false);
        RoomEvent.Message first = append(store, 1);
        RoomEvent.Message second = append(store, 1);
        RoomEvent.Message other = append(store, 2);
        assertThat(first.offset()).isEqualTo(1);
        assertThat(second.offset()).isEqualTo(2);
        assertThat(second.epoch()).isEqualTo(first.epoch()).hasSizeLessThanOrEqualTo(32);
        assertThat(other.offset()).isEqualTo(1);
        assertThat(other.epoch()).isNotEqualTo(first.epoch());
    }

    @Test
    void aRoomKeepsItsLastSizeMessages() {
        MemoryStreams store = streams(3, Long.MAX_VALUE, r -> false);
        for (int i = 0; i < 5; i++) {
            append(store, 1);
        }
        assertThat(kept(store, 1)).containsExactly(3, 4, 5);
        Slice head = store.head(1);
        assertThat(head.latest()).isEqualTo(5);
        assertThat(head.oldest()).isEqualTo(3);
        assertThat(head.messages()).isEmpty();
    }

    @Test
    void readsGiveTheOldestOrTheNewestLimitAfterAnOffsetAndSayWhenMoreWereLeftOut() {
        MemoryStreams store = streams(10, Long.MAX_VALUE, r -> false);
        for (int i = 0; i < 6; i++) {
            append(store, 1);
        }
        Slice oldest = store.read(1, 2, 2, false);
        assertThat(oldest.messages()).extracting(RoomEvent.Message::offset).containsExactly(3L, 4L);
        assertThat(oldest.more()).isTrue();
        Slice newest = store.read(1, 2, 2, true);
        assertThat(newest.messages()).extracting(RoomEvent.Message::offset).containsExactly(5L, 6L);
        assertThat(newest.more()).isTrue();
        assertThat(store.read(1, 2, 4, false).more()).isFalse();
    }

    @Test
    void expiredMessagesAreNeverServedEvenBetweenSweeps() {
        MemoryStreams store = streams(10, Long.MAX_VALUE, r -> false);
        append(store, 1);
        clock.set(500);
        append(store, 1);
        clock.set(1_000);
        assertThat(kept(store, 1)).containsExactly(2);
        clock.set(1_500);
        assertThat(kept(store, 1)).isEmpty();
        assertThat(store.head(1).latest()).isEqualTo(2);
        assertThat(store.bytes()).isZero();
    }

    @Test
    void anExpiredStreamOfARoomWithoutMembersIsDroppedAndTheNextGetsANewEpoch() {
        MemoryStreams store = streams(10, Long.MAX_VALUE, r -> false);
        RoomEvent.Message first = append(store, 1);
        clock.set(999);
        store.sweep();
        assertThat(store.streams()).as("not yet expired").isEqualTo(1);
        clock.set(1_000);
        store.sweep();
        assertThat(store.streams()).isZero();
        RoomEvent.Message next = append(store, 1);
        assertThat(next.epoch()).isNotEqualTo(first.epoch());
        assertThat(next.offset()).isEqualTo(1);
    }

    @Test
    void anExpiredStreamOfARoomWithMembersKeepsItsEpochAndLatestOffset() {
        MemoryStreams store = streams(10, Long.MAX_VALUE, r -> true);
        RoomEvent.Message first = append(store, 1);
        clock.set(5_000);
        store.sweep();
        assertThat(store.streams()).isEqualTo(1);
        assertThat(store.bytes()).isZero();
        RoomEvent.Message next = append(store, 1);
        assertThat(next.epoch()).isEqualTo(first.epoch());
        assertThat(next.offset()).isEqualTo(2);
    }

    @Test
    void aStreamWhoseRoomLostItsMembersIsDroppedAtTheNextDueSweep() {
        AtomicReference<Boolean> members = new AtomicReference<>(true);
        MemoryStreams store = streams(10, Long.MAX_VALUE, r -> members.get());
        String epoch = append(store, 1).epoch();
        clock.set(1_000);
        store.sweep();
        assertThat(store.head(1).epoch()).isEqualTo(epoch);
        members.set(false);
        clock.set(2_000);
        store.sweep();
        assertThat(store.streams()).isZero();
    }

    @Test
    void readsOfARoomWithoutAStreamAnswerNoneAndCreateNothing() {
        MemoryStreams store = streams(10, Long.MAX_VALUE, r -> false);
        assertThat(store.head(1)).isEqualTo(Slice.none());
        assertThat(store.read(1, 0, 100, true)).isEqualTo(Slice.none());
        assertThat(store.read(1, 5, 100, false).exists()).isFalse();
        assertThat(store.streams()).isZero();
        assertThat(store.bytes()).isZero();
    }

    @Test
    void aStreamOpenedByAJoinHasItsEpochForTheTtl() {
        MemoryStreams store = streams(10, Long.MAX_VALUE, r -> false);
        Slice opened = store.open(1);
        assertThat(opened.epoch()).isNotBlank();
        assertThat(opened.latest()).isZero();
        assertThat(store.open(1).epoch()).as("opened once").isEqualTo(opened.epoch());
        assertThat(store.streams()).isEqualTo(1);
        clock.set(999);
        store.sweep();
        assertThat(append(store, 1).epoch()).isEqualTo(opened.epoch());
    }

    @Test
    void maxBytesHoldsAcrossManyRoomsAndTheLeastRecentlyPublishedRoomsEmptyFirst() {
        long cost = MemoryStreams.cost(message(1, "x".repeat(100)));
        long maxBytes = 50 * cost;
        MemoryStreams store = streams(1000, maxBytes, r -> false);
        for (int room = 1; room <= 1000; room++) {
            store.append(message(room, "x".repeat(100)), null);
            assertThat(store.bytes()).isLessThanOrEqualTo(maxBytes);
        }
        assertThat(store.bytes()).isEqualTo(maxBytes);
        assertThat(kept(store, 950)).isEmpty();
        assertThat(kept(store, 951)).containsExactly(1);
        assertThat(kept(store, 1000)).containsExactly(1);
        assertThat(store.streams()).as("emptied streams keep their epochs").isEqualTo(1000);
    }

    @Test
    void theOldestMessagesOfTheLeastRecentlyPublishedRoomGoFirst() {
        long cost = MemoryStreams.cost(message(1, "text"));
        MemoryStreams store = streams(10, 4 * cost, r -> false);
        append(store, 1);
        append(store, 1);
        append(store, 2);
        append(store, 2);
        append(store, 1); // room 1 is now the most recently published: room 2 pays
        assertThat(kept(store, 1)).containsExactly(1, 2, 3);
        assertThat(kept(store, 2)).containsExactly(2);
        assertThat(store.bytes()).isEqualTo(4 * cost);
    }

    @Test
    void aRepeatedKeyGetsTheFirstPublishsPlaceAndStoresNothing() {
        MemoryStreams store = streams(10, Long.MAX_VALUE, r -> false);
        Appended first = store.append(message(1, "once"), "alice\n1\nk");
        Appended again = store.append(message(1, "twice"), "alice\n1\nk");
        assertThat(first.duplicate()).isFalse();
        assertThat(again.duplicate()).isTrue();
        assertThat(Placement.of(again.message())).isEqualTo(Placement.of(first.message()));
        assertThat(again.message().text()).as("the first publish's text is not kept").isEqualTo("twice");
        assertThat(store.head(1).latest()).isEqualTo(1);
    }

    @Test
    void aKeyKeepsNoTextItCostsTheSameWhateverItsPublishsTextAndCountsInTheBytes() {
        MemoryStreams off = streams(0, Long.MAX_VALUE, r -> false);
        off.append(message(1, "x".repeat(60_000)), "alice\n1\nbig");
        off.append(message(1, "x"), "alice\n1\nsml");
        assertThat(off.bytes()).isEqualTo(Deduplication.cost("alice\n1\nbig") + Deduplication.cost("alice\n1\nsml"))
                .isEqualTo(2 * Deduplication.cost("alice\n1\nbig"));
    }

    @Test
    void keysAndMessagesShareMaxBytesAndTheOlderGoesFirst() {
        long message = MemoryStreams.cost(message(1, "text"));
        long key = Deduplication.cost("alice\n2\nk");
        long bound = 3 * message + key;
        MemoryStreams store = streams(10, bound, r -> false);
        append(store, 1);
        clock.incrementAndGet();
        store.append(message(2, "text"), "alice\n2\nk");
        clock.incrementAndGet();
        append(store, 3);
        clock.incrementAndGet();
        append(store, 4); // one message over: room 1's, older than the key, goes
        assertThat(store.bytes()).isEqualTo(bound);
        assertThat(kept(store, 1)).isEmpty();
        assertThat(store.append(message(2, "again"), "alice\n2\nk").duplicate()).as("the key stays").isTrue();
        clock.incrementAndGet();
        append(store, 5); // one message over again: the key goes before any newer message
        assertThat(store.bytes()).isLessThanOrEqualTo(bound);
        assertThat(kept(store, 3)).containsExactly(1);
        assertThat(kept(store, 4)).containsExactly(1);
        assertThat(kept(store, 5)).containsExactly(1);
        assertThat(store.append(message(2, "again"), "alice\n2\nk").duplicate())
                .as("forgotten before its TTL: the resend publishes again").isFalse();
    }

    @Test
    void withNoMessageLeftKeysAloneAreForgottenOldestFirst() {
        long key = Deduplication.cost("bob\n1\nk-00");
        MemoryStreams off = streams(0, 3 * key, r -> false);
        for (int i = 0; i < 5; i++) {
            off.append(message(1, "x"), String.format("bob\n1\nk-%02d", i));
            clock.incrementAndGet();
            assertThat(off.bytes()).isLessThanOrEqualTo(3 * key);
        }
        assertThat(off.append(message(1, "x"), "bob\n1\nk-04").duplicate()).isTrue();
        assertThat(off.append(message(1, "x"), "bob\n1\nk-02").duplicate()).isTrue();
        assertThat(off.append(message(1, "x"), "bob\n1\nk-01").duplicate()).isFalse();
    }

    @Test
    void aKeyIsForgottenAfterTheTtl() {
        MemoryStreams store = streams(10, Long.MAX_VALUE, r -> true);
        Appended first = store.append(message(1, "once"), "k");
        clock.set(1_000);
        store.sweep();
        Appended later = store.append(message(1, "again"), "k");
        assertThat(later.duplicate()).isFalse();
        assertThat(later.message().offset()).isEqualTo(first.message().offset() + 1);
    }

    @Test
    void streamsOffPlaceNothingKeepNothingButStillDeduplicate() {
        MemoryStreams store = streams(0, Long.MAX_VALUE, r -> false);
        Appended first = store.append(message(1, "once"), "k");
        assertThat(store.enabled()).isFalse();
        assertThat(first.message().positioned()).isFalse();
        assertThat(Placement.of(store.append(message(1, "twice"), "k").message())).isEqualTo(Placement.of(first.message()));
        assertThat(store.read(1, 0, 100, false)).isEqualTo(Slice.disabled());
        assertThat(store.open(1)).isEqualTo(Slice.disabled());
        assertThat(store.streams()).isZero();
        assertThat(store.bytes()).as("the key alone").isEqualTo(Deduplication.cost("k"));
    }

    @Test
    void concurrentPublishersGetEveryOffsetExactlyOnce() throws Exception {
        MemoryStreams store = streams(100_000, Long.MAX_VALUE, r -> false);
        Set<Long> offsets = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 5_000; i++) {
                    offsets.add(append(store, 1).offset());
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Set<Long> expected = new HashSet<>();
        for (long o = 1; o <= 20_000; o++) {
            expected.add(o);
        }
        assertThat(offsets).isEqualTo(expected);
        assertThat(kept(store, 1)).hasSize(20_000).isSorted();
    }
}
