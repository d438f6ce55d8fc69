package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.roomcast.config.StoreSettings;
import io.roomcast.durable.Database;
import io.roomcast.testsupport.LeftoverProcesses;
import io.roomcast.testsupport.PostgresServer;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The database bus on its own, two instances of it in this JVM on a PostgreSQL of this class's own (it
 * is restarted): events cross in order, large ones through the table, never back to their sender; the
 * rooms' notifications become catch-ups; a lease that runs out loses its instance; the listener comes
 * back by itself after the database restarted, and then catches up and asks for everyone's state. No
 * Roomcast server is needed, so the WildFly pass skips it.
 */
@ExtendWith(LeftoverProcesses.AtEnd.class)
@DisabledIfSystemProperty(named = "roomcast.runtime", matches = "wildfly",
        disabledReason = "needs no Roomcast server: the Payara Micro pass runs it")
class PostgresBusIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final BusEvent.Snapshot SNAPSHOT = new BusEvent.Snapshot(1,
            List.of(new BusEvent.Membership(7, "c-1", "alice")), List.of());

    private static PostgresServer db;
    private static int databases;

    /** One bus with what it told its listener. */
    private static final class Instance {
        final String name;
        final Database database;
        final List<ScheduledExecutorService> lanes = new ArrayList<>();
        final PostgresBus bus;
        final List<String> received = new CopyOnWriteArrayList<>();
        final List<String> lost = new CopyOnWriteArrayList<>();
        final List<String> advanced = new CopyOnWriteArrayList<>();
        final AtomicInteger catchUps = new AtomicInteger();

        Instance(String name, String url, int leaseSeconds) {
            this.name = name;
            StoreSettings settings = StoreSettings.from(key -> Optional.ofNullable(Map.of(
                    "roomcast.store", "postgres", "roomcast.store.url", url,
                    "roomcast.store.user", PostgresServer.USER,
                    "roomcast.store.lease", Integer.toString(leaseSeconds)).get(key)));
            database = Database.open(settings, "bus-it-" + name, PostgresBus.POOL_SIZE);
            bus = new PostgresBus(database, name, settings.lease(), lane -> {
                ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
                    Thread thread = new Thread(task, "bus-it-" + name + "-" + lane);
                    thread.setDaemon(true);
                    return thread;
                });
                lanes.add(executor);
                return executor;
            }, () -> { }, () -> { });
            bus.start(new BusListener() {
                @Override
                public void received(Origin origin, BusEvent event) {
                    received.add(origin.instance() + " " + describe(event));
                }

                @Override
                public void memberLost(String member) {
                    lost.add(member);
                }

                @Override
                public BusEvent.Snapshot snapshot() {
                    return SNAPSHOT;
                }

                @Override
                public void streamAdvanced(int room, long latest) {
                    advanced.add(room + ":" + latest);
                }

                @Override
                public void streamsMayHaveAdvanced() {
                    catchUps.incrementAndGet();
                }
            });
        }

        /** Dies without a word: its threads and connections end, its lease stays until it runs out. */
        void crash() {
            lanes.forEach(ScheduledExecutorService::shutdownNow);
            database.close();
        }

        void stop() {
            bus.stop();
            crash();
        }
    }

    private final List<Instance> instances = new ArrayList<>();
    private String url;

    @BeforeAll
    static void startDatabase() {
        db = PostgresServer.fresh("bus-it").start();
    }

    @AfterAll
    static void stopDatabase() {
        db.stop();
    }

    @BeforeEach
    void freshDatabase() {
        if (!db.isRunning()) {
            db.start(); // a test that failed half-way may leave it stopped
        }
        url = db.createDatabase("bus_it_" + ++databases);
    }

    @AfterEach
    void stopInstances() {
        instances.forEach(Instance::stop);
    }

    private Instance instance(String name, int leaseSeconds) {
        Instance instance = new Instance(name, url, leaseSeconds);
        instances.add(instance);
        return instance;
    }

    private static String describe(BusEvent event) {
        if (event instanceof BusEvent.Presence p) {
            return "presence " + p.room() + " " + p.user();
        } else if (event instanceof BusEvent.Binary b) {
            return "binary " + b.room() + " " + b.bytes().length;
        }
        return event.getClass().getSimpleName();
    }

    @Test
    void eventsCrossInPublishOrderLargeOnesThroughTheTableAndNeverComeBackToTheirSender() {
        Instance a = instance("a", 15);
        Instance b = instance("b", 15);
        await().atMost(WAIT).until(() -> a.bus.clustered() && b.bus.clustered());

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            a.bus.publish(new BusEvent.Presence(7, "c-" + i, "user-" + i, true, i + 1));
            expected.add("a presence 7 user-" + i);
            if (i % 25 == 0) {
                a.bus.publish(new BusEvent.Binary(7, new byte[20_000 + i]));
                expected.add("a binary 7 " + (20_000 + i));
            }
        }
        a.bus.publish(new BusEvent.Message(new io.roomcast.room.event.RoomEvent.Message(7, "m1", "u", "by the streams",
                null, 1L, "e", 1))); // room messages travel by the database's streams, not on the bus

        await().atMost(WAIT).until(() -> fromA(b).size() >= expected.size());
        assertThat(fromA(b)).isEqualTo(expected);
        assertThat(a.received).noneMatch(r -> r.startsWith("a "));
    }

    @Test
    void theRoomsNotificationsBecomeOneRoomsCatchUpOnEveryInstance() throws Exception {
        Instance a = instance("a", 15);
        Instance b = instance("b", 15);
        await().atMost(WAIT).until(() -> a.catchUps.get() > 0 && b.catchUps.get() > 0); // listening

        try (Connection c = db.connect(url.substring(url.lastIndexOf('/') + 1)); Statement s = c.createStatement()) {
            s.execute("NOTIFY roomcast_room, '7:41'");
        }

        await().atMost(WAIT).until(() -> a.advanced.contains("7:41") && b.advanced.contains("7:41"));
    }

    @Test
    void anInstanceSkipsTheRoomNotificationsOfItsOwnCommits() throws Exception {
        Instance a = instance("a", 15);
        Instance b = instance("b", 15);
        await().atMost(WAIT).until(() -> a.catchUps.get() > 0 && b.catchUps.get() > 0); // listening

        try (Connection c = db.connect(url.substring(url.lastIndexOf('/') + 1)); Statement s = c.createStatement()) {
            s.execute("NOTIFY roomcast_room, '7:41:" + a.bus.self().instance() + "'");
            s.execute("NOTIFY roomcast_room, '7:42:" + b.bus.self().instance() + "'"); // the fence: after the first
        }

        await().atMost(WAIT).until(() -> a.advanced.contains("7:42") && b.advanced.contains("7:41"));
        assertThat(a.advanced).as("a committed 41 itself").doesNotContain("7:41");
        assertThat(b.advanced).as("b committed 42 itself").doesNotContain("7:42");
    }

    @Test
    void aNewInstanceAsksForEveryonesStateAndIsAnsweredWithASnapshot() {
        Instance a = instance("a", 15);
        await().atMost(WAIT).until(() -> a.catchUps.get() > 0);
        Instance b = instance("b", 15);

        await().atMost(WAIT).until(() -> a.received.contains("b SyncRequest") && b.received.contains("a Snapshot"));
        assertThat(a.bus.clustered()).isTrue();
    }

    @Test
    void anInstanceWhoseLeaseRunsOutIsLostOnceByTheOthers() {
        Instance a = instance("a", 1);
        Instance b = instance("b", 1);
        await().atMost(WAIT).until(() -> a.bus.clustered() && b.bus.clustered());

        b.crash();

        await().atMost(WAIT).until(() -> a.lost.contains("b"));
        await().atMost(WAIT).until(() -> !a.bus.clustered());
        assertThat(a.lost).containsExactly("b");
    }

    @Test
    void anInstanceThatStopsSaysGoodbyeAndIsNotLostLater() {
        Instance a = instance("a", 1);
        Instance b = instance("b", 1);
        await().atMost(WAIT).until(() -> a.bus.clustered() && b.bus.clustered());

        b.stop();
        instances.remove(b);

        await().atMost(WAIT).until(() -> a.received.contains("b Goodbye"));
        await().atMost(WAIT).until(() -> !a.bus.clustered());
        assertThat(a.lost).isEmpty();
    }

    @Test
    void afterTheDatabaseRestartsTheListenerComesBackCatchesUpAndTheInstancesStateIsSentAgain() {
        Instance a = instance("a", 15);
        Instance b = instance("b", 15);
        await().atMost(WAIT).until(() -> a.bus.clustered() && b.bus.clustered());
        int catchUpsBefore = a.catchUps.get();
        b.received.clear();
        a.received.clear();

        db.stop();
        db.start();

        await().atMost(WAIT).until(() -> a.catchUps.get() > catchUpsBefore);
        // Each listener asks for everyone's state when it is back; whichever is back first sends its request
        // while the other may not listen yet, but the later one's request is answered: b gets a's state.
        await().atMost(WAIT).until(() -> b.received.contains("a Snapshot") && a.received.contains("b Snapshot"));
        a.bus.publish(new BusEvent.Presence(9, "c-9", "after", true, 1));
        await().atMost(WAIT).until(() -> b.received.contains("a presence 9 after"));
    }

    @Test
    void guestNumbersAreUniqueAcrossInstancesAndAboveAnyLocalCounter() {
        Instance a = instance("a", 15);
        Instance b = instance("b", 15);
        Set<Long> numbers = new HashSet<>();
        await().atMost(WAIT).until(() -> {
            for (int i = 0; i < 10; i++) {
                for (Instance instance : List.of(a, b)) {
                    long n = instance.bus.uniqueNumber();
                    if (n > 0) {
                        assertThat(numbers.add(n)).as("unique: %s", n).isTrue();
                    }
                }
            }
            return numbers.size() >= 200;
        });
        assertThat(numbers).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(1_000_000_000L));
    }

    private static List<String> fromA(Instance instance) {
        return instance.received.stream().filter(r -> r.startsWith("a presence") || r.startsWith("a binary")).toList();
    }
}
