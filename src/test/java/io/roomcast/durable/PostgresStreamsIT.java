package io.roomcast.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.roomcast.config.StoreSettings;
import io.roomcast.room.event.RoomEvent;
import io.roomcast.stream.Appended;
import io.roomcast.stream.MemoryStreams;
import io.roomcast.stream.Slice;
import io.roomcast.stream.StreamUnavailableException;
import io.roomcast.testsupport.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The durable store's rules (PROTOCOL 14) against the run's real PostgreSQL, without a Roomcast server:
 * two stores on one database stand for two instances. Each test has a database of its own.
 */
@ExtendWith(PostgresServer.Shared.class)
class PostgresStreamsIT {

    private final PostgresServer postgres;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger instances = new AtomicInteger();
    private String url;

    PostgresStreamsIT(PostgresServer postgres) {
        this.postgres = postgres;
    }

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void offsetsAreGapFreeAndNeverReusedUnderConcurrentPublishersOnTwoInstances(TestInfo test) throws Exception {
        List<PostgresStreams> instances = List.of(store(test, 1000, 300, 1L << 30), store(test, 1000, 300, 1L << 30));
        ExecutorService publishers = Executors.newFixedThreadPool(16);
        open.add(publishers::shutdownNow);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Appended>> appended = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            PostgresStreams instance = instances.get(i % 2);
            RoomEvent.Message message = message(1 + i % 5, "m" + i);
            appended.add(publishers.submit(() -> {
                go.await();
                return instance.append(message, null);
            }));
        }
        go.countDown();
        List<RoomEvent.Message> placed = new ArrayList<>();
        for (Future<Appended> f : appended) {
            placed.add(f.get().message());
        }
        for (int room = 1; room <= 5; room++) {
            int r = room;
            List<Long> offsets = placed.stream().filter(m -> m.room() == r).map(RoomEvent.Message::offset).sorted().toList();
            assertThat(offsets).as("room %d", room).containsExactlyElementsOf(LongStream.rangeClosed(1, 400).boxed().toList());
            assertThat(placed.stream().filter(m -> m.room() == r).map(RoomEvent.Message::epoch).distinct()).hasSize(1);
            for (PostgresStreams instance : instances) {
                Slice all = instance.read(room, 0, 1000, false);
                assertThat(all.latest()).isEqualTo(400);
                assertThat(all.messages()).extracting(RoomEvent.Message::offset).containsExactlyElementsOf(offsets);
            }
        }
    }

    @Test
    void aRoomsEpochIsOneWhicheverInstanceOpensItAndReadsCreateNothing(TestInfo test) {
        PostgresStreams a = store(test, 1000, 300, 1L << 30);
        PostgresStreams b = store(test, 1000, 300, 1L << 30);
        assertThat(a.read(7, 0, 10, false).exists()).isFalse();
        assertThat(b.head(7).exists()).as("a read created nothing").isFalse();
        Slice opened = a.open(7);
        assertThat(b.open(7).epoch()).isEqualTo(opened.epoch());
        assertThat(b.append(message(7, "first"), null).message().epoch()).isEqualTo(opened.epoch());
    }

    @Test
    void aKeySeenOnOneInstanceIsADuplicateOnTheOtherAndRacingRepeatsPublishOnce(TestInfo test) throws Exception {
        PostgresStreams a = store(test, 1000, 300, 1L << 30);
        PostgresStreams b = store(test, 1000, 300, 1L << 30);
        Appended first = a.append(message(3, "once"), "alice\n3\nk1");
        Appended again = b.append(message(3, "once again"), "alice\n3\nk1");
        assertThat(again.duplicate()).isTrue();
        assertThat(again.message().offset()).isEqualTo(first.message().offset());
        assertThat(again.message().id()).isEqualTo(first.message().id());

        ExecutorService racers = Executors.newFixedThreadPool(8);
        open.add(racers::shutdownNow);
        List<Future<Appended>> racing = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            PostgresStreams instance = i % 2 == 0 ? a : b;
            racing.add(racers.submit(() -> instance.append(message(3, "race"), "alice\n3\nk2")));
        }
        List<Appended> outcomes = new ArrayList<>();
        for (Future<Appended> f : racing) {
            outcomes.add(f.get());
        }
        assertThat(outcomes).filteredOn(o -> !o.duplicate()).hasSize(1);
        assertThat(outcomes).extracting(o -> o.message().offset()).containsOnly(first.message().offset() + 1);
        assertThat(a.read(3, 0, 100, false).messages()).hasSize(2);
    }

    @Test
    void historySizeKeepsTheNewestAndTheRestIsTooOld(TestInfo test) {
        PostgresStreams store = store(test, 5, 300, 1L << 30);
        for (int i = 1; i <= 8; i++) {
            store.append(message(4, "m" + i), null);
        }
        Slice all = store.read(4, 0, 100, false);
        assertThat(all.latest()).isEqualTo(8);
        assertThat(all.oldest()).isEqualTo(4);
        assertThat(all.messages()).extracting(RoomEvent.Message::text).containsExactly("m4", "m5", "m6", "m7", "m8");
        Slice newest = store.read(4, 0, 2, true);
        assertThat(newest.messages()).extracting(RoomEvent.Message::offset).containsExactly(7L, 8L);
        assertThat(newest.more()).isTrue();
    }

    @Test
    void whatFellOutOfHistorySizeIsDeletedByTheUpkeepAndNoLongerCounted(TestInfo test) throws Exception {
        PostgresStreams store = store(test, 5, 300, 1L << 30);
        List<RoomEvent.Message> kept = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            RoomEvent.Message placed = store.append(message(7, "m" + i), null).message();
            if (i > 7) {
                kept.add(placed);
            }
        }
        store.sweep(); // the upkeep, as the instance runs it once a second
        try (Connection connection = DriverManager.getConnection(url, PostgresServer.USER, "");
             Statement query = connection.createStatement();
             ResultSet rows = query.executeQuery("SELECT min(\"offset\"), count(*), sum(bytes) FROM roomcast_message WHERE room = 7")) {
            rows.next();
            assertThat(rows.getLong(1)).as("the oldest row left").isEqualTo(8);
            assertThat(rows.getLong(2)).as("rows left").isEqualTo(5);
            assertThat(store.bytes()).as("bytes counted after the upkeep")
                    .isEqualTo(rows.getLong(3)).isEqualTo(kept.stream().mapToLong(MemoryStreams::cost).sum());
        }
        assertThat(store.read(7, 0, 100, false).messages()).extracting(RoomEvent.Message::text)
                .containsExactly("m8", "m9", "m10", "m11", "m12");
    }

    @Test
    void roomNotificationsAreSentOnlyWhileAnotherInstanceIsAlive(TestInfo test) throws Exception {
        AtomicBoolean othersAlive = new AtomicBoolean(false);
        PostgresStreams store = store(test, 100, 300, 1L << 30, othersAlive::get);
        try (Connection listening = DriverManager.getConnection(url, PostgresServer.USER, "");
             Statement statement = listening.createStatement()) {
            statement.execute("LISTEN " + PostgresStreams.ROOM_CHANNEL);
            store.append(message(7, "alone"), null);
            // Notifications arrive in commit order: one sent after the append's commit fences it.
            statement.execute("NOTIFY " + PostgresStreams.ROOM_CHANNEL + ", 'fence 1'");
            assertThat(noticesUpTo(listening, "fence 1")).as("alone: nothing but the fence").containsExactly("fence 1");

            othersAlive.set(true);
            RoomEvent.Message shared = store.append(message(7, "shared"), null).message();
            statement.execute("NOTIFY " + PostgresStreams.ROOM_CHANNEL + ", 'fence 2'");
            assertThat(noticesUpTo(listening, "fence 2")).as("with another instance alive")
                    .hasSize(2).endsWith("fence 2").first().asString().startsWith("7:" + shared.offset() + ":");
        }
    }

    @Test
    void aPublishNotCommittedWithinTenSecondsIsRefusedAndMayStillCommit(TestInfo test) throws Exception {
        PostgresStreams store = store(test, 100, 300, 1L << 30);
        store.append(message(9, "first"), null);
        CompletableFuture<Appended> late;
        try (Connection holder = postgres.connect(url.substring(url.lastIndexOf('/') + 1))) {
            holder.setAutoCommit(false);
            holder.createStatement().executeQuery("SELECT * FROM roomcast_room WHERE room = 9 FOR UPDATE").close();
            // The writer now waits for the room's row, as it would for a database that does not answer.
            late = store.appendAsync(message(9, "late"), null).toCompletableFuture();
            await().atMost(Duration.ofSeconds(20)).until(late::isDone);
            assertThatThrownBy(late::get).hasCauseInstanceOf(StreamUnavailableException.class)
                    .hasMessageContaining("did not answer in time");
            holder.rollback();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(store.read(9, 0, 10, false).messages())
                .as("committed after all, once the row was free").extracting(RoomEvent.Message::text)
                .containsExactly("first", "late"));
    }

    @Test
    void expiryRemovesMessagesButKeepsTheRoomsEpochAndLatestOffset(TestInfo test) {
        PostgresStreams store = store(test, 1000, 1, 1L << 30);
        String epoch = store.append(message(5, "short-lived"), null).message().epoch();
        store.append(message(5, "short-lived too"), null);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            store.sweep(); // the upkeep, as the instance runs it once a second
            return store.read(5, 0, 10, false).messages().isEmpty();
        });
        Slice head = store.head(5);
        assertThat(head.epoch()).isEqualTo(epoch);
        assertThat(head.latest()).isEqualTo(2);
        assertThat(head.oldest()).as("nothing kept: latest + 1").isEqualTo(3);
        assertThat(store.append(message(5, "later"), null).message().offset()).isEqualTo(3);
    }

    @Test
    void theByteBoundEvictsTheOldestMessagesFirst(TestInfo test) {
        PostgresStreams store = store(test, 1000, 300, 2_000);
        for (int i = 1; i <= 10; i++) {
            store.append(message(6, "x".repeat(200) + i), null); // about 560 bytes each as counted
        }
        store.sweep();
        Slice kept = store.read(6, 0, 100, false);
        assertThat(kept.latest()).isEqualTo(10);
        assertThat(kept.messages()).isNotEmpty();
        assertThat(kept.messages().size()).isLessThan(10);
        assertThat(kept.messages().get(kept.messages().size() - 1).offset()).as("the newest stays").isEqualTo(10);
        assertThat(kept.oldest()).isEqualTo(kept.messages().get(0).offset());
        assertThat(store.bytes()).isLessThanOrEqualTo(2_000);
    }

    @Test
    void publishesWaitingForTheDatabaseAreBoundedInBytesAndThoseOverTheBoundAreRefused(TestInfo test) throws Exception {
        PostgresStreams store = store(test, 1000, 300, 1L << 40);
        store.append(message(8, "the room exists"), null);
        String text = "x".repeat(65_536); // counted as about 128 KiB a message: 512 fill GroupCommit.QUEUE_BYTES
        List<java.util.concurrent.CompletableFuture<Appended>> publishes = new ArrayList<>();
        try (java.sql.Connection holder = postgres.connect(url.substring(url.lastIndexOf('/') + 1))) {
            holder.setAutoCommit(false);
            holder.createStatement().executeQuery("SELECT * FROM roomcast_room WHERE room = 8 FOR UPDATE").close();
            // The writer now waits for the room's row: whatever is published meanwhile waits in memory.
            for (int i = 0; i < 600; i++) {
                publishes.add(store.appendAsync(message(8, text), null).toCompletableFuture());
            }
            holder.rollback();
        }
        List<Long> placed = new ArrayList<>();
        int refused = 0;
        for (java.util.concurrent.CompletableFuture<Appended> publish : publishes) {
            try {
                placed.add(publish.get().message().offset());
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(io.roomcast.stream.StreamUnavailableException.class)
                        .hasMessageContaining("behind");
                refused++;
            }
        }
        assertThat(refused).as("publishes past the byte bound").isPositive();
        long cost = io.roomcast.stream.MemoryStreams.cost(message(8, text));
        assertThat(placed.size() * cost).isLessThanOrEqualTo(GroupCommit.QUEUE_BYTES);
        assertThat(placed).as("those taken are all stored, in order")
                .containsExactlyElementsOf(LongStream.rangeClosed(2, placed.size() + 1).boxed().toList());
    }

    private PostgresStreams store(TestInfo test, int size, long ttlSeconds, long maxBytes) {
        return store(test, size, ttlSeconds, maxBytes, () -> true);
    }

    private PostgresStreams store(TestInfo test, int size, long ttlSeconds, long maxBytes, BooleanSupplier othersAlive) {
        if (url == null) {
            String name = test.getTestMethod().orElseThrow().getName().toLowerCase();
            url = postgres.createDatabase("streams_" + name.substring(0, Math.min(40, name.length())));
        }
        StoreSettings settings = StoreSettings.from(key -> Optional.ofNullable(Map.of("roomcast.store", "postgres",
                "roomcast.store.url", url, "roomcast.store.user", PostgresServer.USER).get(key)));
        Database database = Database.open(settings);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        ExecutorService answers = Executors.newSingleThreadExecutor();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        // two answering lanes on one thread: the rooms' split
        PostgresStreams store = PostgresStreams.start(database, new PostgresStreams.Options("instance-"
                        + instances.incrementAndGet(), othersAlive, size, ttlSeconds, maxBytes, settings.batchWait()),
                new PostgresStreams.Lanes(writer, List.of(answers, answers), watchdog));
        open.add(() -> {
            store.close();
            writer.shutdownNow();
            answers.shutdownNow();
            watchdog.shutdownNow();
            database.close();
        });
        return store;
    }

    /** The payloads this connection is notified of, in order, up to and with {@code last}. */
    private static List<String> noticesUpTo(Connection listening, String last) throws SQLException {
        List<String> payloads = new ArrayList<>();
        PGConnection pg = listening.unwrap(PGConnection.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!payloads.contains(last) && System.nanoTime() < deadline) {
            PGNotification[] notices = pg.getNotifications(500);
            for (PGNotification notice : notices == null ? new PGNotification[0] : notices) {
                payloads.add(notice.getParameter());
            }
        }
        assertThat(payloads).as("notified by " + last).contains(last);
        return payloads;
    }

    private RoomEvent.Message message(int room, String text) {
        return new RoomEvent.Message(room, "id-" + ids.incrementAndGet(), "alice", text, null, System.currentTimeMillis());
    }
}
