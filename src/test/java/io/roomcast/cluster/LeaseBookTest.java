package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class LeaseBookTest {

    private final LeaseBook book = new LeaseBook("me");

    @Test
    void aloneUntilAnotherLeaseIsSeenOrAnotherInstanceHeard() {
        assertThat(book.read(Set.of("me"), 10)).isEmpty();
        assertThat(book.others()).isFalse();

        assertThat(book.heard("me", 11)).isFalse();
        assertThat(book.others()).isFalse();
        assertThat(book.heard("b", 12)).isTrue();
        assertThat(book.heard("b", 13)).isFalse();
        assertThat(book.others()).isTrue();
    }

    @Test
    void anInstanceWhoseLeaseIsNoLongerLiveIsLostOnceOnEverySurvivor() {
        book.read(Set.of("me", "b", "c"), 10);
        assertThat(book.read(Set.of("me", "c"), 20)).containsExactly("b");
        assertThat(book.read(Set.of("me", "c"), 30)).isEmpty(); // lost once
        assertThat(book.others()).isTrue();
        assertThat(book.read(Set.of("me"), 40)).containsExactly("c");
        assertThat(book.others()).isFalse();
    }

    @Test
    void anInstanceHeardAfterTheReadBeganIsNotLostByItsAbsence() {
        // its lease committed after the read's snapshot, its first event arrived before the read ended
        book.heard("newcomer", 15);
        assertThat(book.read(Set.of("me"), 10)).isEmpty();
        assertThat(book.others()).isTrue();
        assertThat(book.read(Set.of("me"), 20)).containsExactly("newcomer"); // a later read without it: gone
    }

    @Test
    void anInstanceHeardOfButWithoutALeaseIsLost() {
        book.heard("b", 5); // its row expired and was deleted by another survivor before we read it
        assertThat(book.read(Set.of("me"), 10)).containsExactly("b");
    }

    @Test
    void anInstanceThatSaidGoodbyeIsNotLostLater() {
        book.read(Set.of("me", "b"), 10);
        book.departed("b");
        assertThat(book.others()).isFalse();
        assertThat(book.read(Set.of("me", "b"), 20)).as("its row runs out later").isEmpty();
        assertThat(book.others()).isFalse();
        assertThat(book.read(Set.of("me"), 30)).isEmpty();
    }

    @Test
    void aLostInstanceThatComesBackCountsAgain() {
        book.read(Set.of("me", "b"), 10);
        assertThat(book.read(Set.of("me"), 20)).containsExactly("b");
        assertThat(book.heard("b", 25)).isTrue();
        assertThat(book.read(Set.of("me", "b"), 30)).isEmpty();
        assertThat(book.others()).isTrue();
    }
}
