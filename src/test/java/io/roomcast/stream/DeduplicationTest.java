package io.roomcast.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Idempotency keys (PROTOCOL 9.3, 13.2): the first publish claims a key, a repeat within the TTL gets
 * its placement; each key is counted in bytes and can be forgotten early, oldest first.
 */
class DeduplicationTest {

    private static final Placement FIRST = new Placement("id-1", "e", 1);
    private final AtomicLong clock = new AtomicLong();

    private static void stored(Deduplication keys, String key) {
        ((Deduplication.Claimed) keys.claim(key)).placement().complete(FIRST);
    }

    @Test
    void aRepeatSeesTheFirstPublishsPlacement() {
        Deduplication keys = new Deduplication(1_000, clock::get);
        stored(keys, "k");
        assertThat(keys.claim("k")).isEqualTo(new Deduplication.Seen(FIRST));
    }

    @Test
    void aRepeatRacingWithTheFirstPublishWaitsForItInsteadOfPublishingAgain() throws Exception {
        Deduplication keys = new Deduplication(1_000, clock::get);
        Deduplication.Claimed claimed = (Deduplication.Claimed) keys.claim("k");
        CompletableFuture<Deduplication.Outcome> repeat = CompletableFuture.supplyAsync(() -> keys.claim("k"));
        claimed.placement().complete(FIRST);
        assertThat(repeat.get(10, TimeUnit.SECONDS)).isEqualTo(new Deduplication.Seen(FIRST));
    }

    @Test
    void aKeyWhoseFirstPublishFailedMayBeClaimedAgain() {
        Deduplication keys = new Deduplication(1_000, clock::get);
        keys.failed((Deduplication.Claimed) keys.claim("k"));
        assertThat(keys.claim("k")).isInstanceOf(Deduplication.Claimed.class);
    }

    @Test
    void aKeyPastTheTtlIsClaimedAnewEvenBeforeItIsSwept() {
        Deduplication keys = new Deduplication(1_000, clock::get);
        stored(keys, "k");
        clock.set(1_000);
        assertThat(keys.claim("k")).isInstanceOf(Deduplication.Claimed.class);
    }

    @Test
    void expiryForgetsTheOldestKeysOnlyAndReleasesTheirBytes() {
        Deduplication keys = new Deduplication(1_000, clock::get);
        stored(keys, "old");
        clock.set(500);
        stored(keys, "new");
        clock.set(1_000);
        keys.expire();
        assertThat(keys.size()).isEqualTo(1);
        assertThat(keys.bytes()).isEqualTo(Deduplication.cost("new"));
        assertThat(keys.claim("new")).isEqualTo(new Deduplication.Seen(FIRST));
    }

    @Test
    void aKeyCostsItsOwnCharactersAndAFixedOverheadWhateverTheTextOfItsPublish() {
        Deduplication keys = new Deduplication(1_000, clock::get);
        String key = "alice\n7\nref-1";
        stored(keys, key);
        assertThat(keys.bytes()).isEqualTo(Deduplication.KEY_OVERHEAD + 2L * key.length());
    }

    @Test
    void evictionForgetsTheOldestKeyFirstSoThatItsResendPublishesAgain() {
        Deduplication keys = new Deduplication(1_000, clock::get);
        for (String key : new String[] {"a", "b", "c"}) {
            stored(keys, key);
            clock.incrementAndGet();
        }
        assertThat(keys.oldestExpiry()).hasValue(1_000);
        assertThat(keys.evictOldest()).isTrue();
        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.bytes()).isEqualTo(Deduplication.cost("b") + Deduplication.cost("c"));
        assertThat(keys.oldestExpiry()).hasValue(1_001);
        assertThat(keys.claim("a")).as("forgotten: a resend publishes again").isInstanceOf(Deduplication.Claimed.class);
        assertThat(keys.claim("c")).isEqualTo(new Deduplication.Seen(FIRST));
    }

    @Test
    void nothingToEvictWhenNoKeyIsRemembered() {
        Deduplication keys = new Deduplication(1_000, clock::get);
        assertThat(keys.evictOldest()).isFalse();
        assertThat(keys.oldestExpiry()).isEmpty();
        assertThat(keys.bytes()).isZero();
    }
}
