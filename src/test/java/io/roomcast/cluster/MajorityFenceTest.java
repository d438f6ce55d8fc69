package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.roomcast.stream.StreamUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The quorum fence around stream operations (PROTOCOL 13.10), over a cluster that answers as told. */
class MajorityFenceTest {

    /** Long enough never to decide a test that expects answers; the refusals below wait it out. */
    private static final Duration WAIT = Duration.ofMillis(300);

    /** What the fence sees and sends; the test answers its pings (or not). */
    private static final class FakeCluster implements MajorityFence.Cluster {
        volatile int members = 3;
        volatile String incarnation = "member-1";
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<Long> pings = new CopyOnWriteArrayList<>();
        volatile LongConsumer onPing = nonce -> { };

        @Override
        public int members() {
            return members;
        }

        @Override
        public String incarnation() {
            return incarnation;
        }

        @Override
        public void ping(long nonce) {
            events.add("ping");
            pings.add(nonce);
            onPing.accept(nonce);
        }
    }

    private final FakeCluster cluster = new FakeCluster();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void aMajorityThatAnswersAfterTheOperationLetsItsResultThrough() {
        MajorityFence fence = new MajorityFence(2, cluster, WAIT);
        cluster.onPing = nonce -> fence.answered(nonce, "member-2");

        String result = fence.vouch("append", () -> {
            cluster.events.add("operation");
            return "placed";
        });

        assertThat(result).isEqualTo("placed");
        assertThat(cluster.events).as("the ping goes out after the operation completed")
                .containsExactly("operation", "ping");
    }

    @Test
    void aQuorumOfOneIsThisInstanceAloneAndPingsNobody() {
        MajorityFence fence = new MajorityFence(1, cluster, WAIT);
        cluster.members = 1;

        assertThat(fence.vouch("append", () -> "placed")).isEqualTo("placed");
        assertThat(cluster.pings).isEmpty();
    }

    @Test
    void tooFewMembersInViewRefuseBeforeTheOperationRuns() {
        MajorityFence fence = new MajorityFence(2, cluster, WAIT);
        cluster.members = 1;
        AtomicBoolean ran = new AtomicBoolean();

        assertThatThrownBy(() -> fence.vouch("append", () -> ran.getAndSet(true)))
                .isInstanceOf(StreamUnavailableException.class)
                .hasMessage(MajorityFence.REFUSAL);
        assertThat(ran).isFalse();
        assertThat(cluster.pings).isEmpty();
    }

    @Test
    void aMemberThatNobodyAnswersAnyMoreWithholdsTheResult() {
        // A member frozen past the heartbeat timeout wakes up still seeing three members: the others
        // removed it and no longer answer.
        MajorityFence fence = new MajorityFence(2, cluster, WAIT);

        assertThatThrownBy(() -> fence.vouch("append", () -> "placed"))
                .isInstanceOf(StreamUnavailableException.class);
        assertThat(cluster.pings).hasSize(1);
    }

    @Test
    void answersCountOncePerMemberAndOnlyForTheCurrentPing() {
        MajorityFence fence = new MajorityFence(3, cluster, WAIT); // two others needed
        cluster.onPing = nonce -> {
            fence.answered(nonce, "member-2");
            fence.answered(nonce, "member-2");
            fence.answered(nonce - 1, "member-3"); // an answer to another round
        };

        assertThatThrownBy(() -> fence.vouch("read", () -> "slice")).isInstanceOf(StreamUnavailableException.class);

        cluster.onPing = nonce -> {
            fence.answered(nonce, "member-2");
            fence.answered(nonce, "member-3");
        };
        assertThat(fence.vouch("read", () -> "slice")).isEqualTo("slice");
    }

    @Test
    void anInstanceTakenBackIntoItsClusterMeanwhileWithholdsTheResult() {
        // A split-brain merge gives the member a new id: what it did before belonged to the discarded side.
        MajorityFence fence = new MajorityFence(2, cluster, WAIT);
        cluster.onPing = nonce -> fence.answered(nonce, "member-2");

        assertThatThrownBy(() -> fence.vouch("append", () -> {
            cluster.incarnation = "member-1-after-merge";
            return "placed";
        })).isInstanceOf(StreamUnavailableException.class);
    }

    @Test
    void anOperationThatFailsWhileTheMajorityIsLostIsUnavailableAndOtherFailuresStayThemselves() {
        MajorityFence fence = new MajorityFence(2, cluster, WAIT);

        assertThatThrownBy(() -> fence.vouch("append", () -> {
            cluster.members = 1;
            throw new IllegalStateException("target disconnected");
        })).isInstanceOf(StreamUnavailableException.class);

        cluster.members = 3;
        assertThatThrownBy(() -> fence.vouch("append", () -> {
            throw new IllegalStateException("a bug");
        })).isInstanceOf(IllegalStateException.class).hasMessage("a bug");
    }

    @Test
    void operationsCompletingDuringARoundShareTheNextOne() throws Exception {
        // Group commit: while the first round waits for its answer, every operation that completes joins
        // one next round, whose ping is sent after they all completed.
        MajorityFence fence = new MajorityFence(2, cluster, Duration.ofSeconds(30));
        CountDownLatch firstPinged = new CountDownLatch(1);
        cluster.onPing = nonce -> firstPinged.countDown();
        Future<String> first = pool.submit(() -> fence.vouch("append", () -> "first"));
        assertThat(firstPinged.await(10, TimeUnit.SECONDS)).isTrue();

        int waiting = 20;
        AtomicInteger completed = new AtomicInteger();
        List<Future<String>> others = new ArrayList<>();
        for (int i = 0; i < waiting; i++) {
            int n = i;
            others.add(pool.submit(() -> fence.vouch("append", () -> {
                completed.incrementAndGet();
                return "op " + n;
            })));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> completed.get() == waiting);
        cluster.onPing = nonce -> fence.answered(nonce, "member-2");
        fence.answered(cluster.pings.get(0), "member-2"); // the first round ends; the next one pings

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
        for (int i = 0; i < waiting; i++) {
            assertThat(others.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("op " + i);
        }
        assertThat(cluster.pings).as("one ping for the first, one for all that waited behind it").hasSize(2);
    }

    @Test
    void aRoundThatNeverEndsDoesNotHoldUpTheOnesAfterIt() throws Exception {
        MajorityFence fence = new MajorityFence(2, cluster, WAIT);
        Future<String> stuck = pool.submit(() -> fence.vouch("append", () -> "stuck"));
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.pings.size() == 1);

        assertThatThrownBy(() -> stuck.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StreamUnavailableException.class);
        cluster.onPing = nonce -> fence.answered(nonce, "member-2");
        assertThat(fence.vouch("append", () -> "next")).isEqualTo("next");
    }
}
