package io.roomcast.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.room.RoomEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Idempotency keys (PROTOCOL 9.3): the first publish claims a key, a repeat within the TTL gets its message. */
class DeduplicationTest {

    private static final RoomEvent.Message FIRST = new RoomEvent.Message(7, "id-1", "alice", "hi", "r", 1).at("e", 1);
    private final AtomicLong clock = new AtomicLong();

    @Test
    void aRepeatSeesTheFirstPublishsMessage() {
        Deduplication keys = new Deduplication(1_000, 100, clock::get);
        Deduplication.Claimed claimed = (Deduplication.Claimed) keys.claim("k");
        claimed.message().complete(FIRST);
        assertThat(keys.claim("k")).isEqualTo(new Deduplication.Seen(FIRST));
    }

    @Test
    void aRepeatRacingWithTheFirstPublishWaitsForItInsteadOfPublishingAgain() throws Exception {
        Deduplication keys = new Deduplication(1_000, 100, clock::get);
        Deduplication.Claimed claimed = (Deduplication.Claimed) keys.claim("k");
        CompletableFuture<Deduplication.Outcome> repeat = CompletableFuture.supplyAsync(() -> keys.claim("k"));
        claimed.message().complete(FIRST);
        assertThat(repeat.get(10, TimeUnit.SECONDS)).isEqualTo(new Deduplication.Seen(FIRST));
    }

    @Test
    void aKeyWhoseFirstPublishFailedMayBeClaimedAgain() {
        Deduplication keys = new Deduplication(1_000, 100, clock::get);
        keys.failed((Deduplication.Claimed) keys.claim("k"));
        assertThat(keys.claim("k")).isInstanceOf(Deduplication.Claimed.class);
    }

    @Test
    void aKeyPastTheTtlIsClaimedAnewEvenBeforeItIsSwept() {
        Deduplication keys = new Deduplication(1_000, 100, clock::get);
        ((Deduplication.Claimed) keys.claim("k")).message().complete(FIRST);
        clock.set(1_000);
        assertThat(keys.claim("k")).isInstanceOf(Deduplication.Claimed.class);
    }

    @Test
    void expiryForgetsTheOldestKeysOnly() {
        Deduplication keys = new Deduplication(1_000, 100, clock::get);
        ((Deduplication.Claimed) keys.claim("old")).message().complete(FIRST);
        clock.set(500);
        ((Deduplication.Claimed) keys.claim("new")).message().complete(FIRST);
        clock.set(1_000);
        keys.expire();
        assertThat(keys.size()).isEqualTo(1);
        assertThat(keys.claim("new")).isEqualTo(new Deduplication.Seen(FIRST));
    }

    @Test
    void theNumberOfKeysIsBoundedByForgettingTheOldest() {
        Deduplication keys = new Deduplication(1_000, 2, clock::get);
        for (String key : new String[] {"a", "b", "c"}) {
            ((Deduplication.Claimed) keys.claim(key)).message().complete(FIRST);
        }
        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.claim("a")).isInstanceOf(Deduplication.Claimed.class);
        assertThat(keys.claim("c")).isEqualTo(new Deduplication.Seen(FIRST));
    }
}
