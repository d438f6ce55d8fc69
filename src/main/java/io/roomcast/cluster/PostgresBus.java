package io.roomcast.cluster;

import io.roomcast.durable.Database;
import io.roomcast.durable.ListeningConnection;
import io.roomcast.durable.PostgresStreams;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The bus of instances that share one PostgreSQL database (PROTOCOL 14), whatever their runtime: no other
 * engine. Three jobs, each on a lane (one thread) of its own:
 *
 * <ul>
 * <li><b>listening</b> ({@code LISTEN} on a dedicated connection): the store's commits say "room R has
 * offsets up to N" on {@value PostgresStreams#ROOM_CHANNEL}, and the listener catches that room up from
 * the stream; room messages never travel on this bus ({@link #publish} ignores them). A notification is
 * a hint only: each time the listening connection is (re)established, and every
 * {@value #CATCH_UP_SECONDS} seconds while other instances hold a lease, every room with members here is
 * caught up, so a lost or folded notification loses nothing. An instance skips the notifications of its
 * own commits: it delivers those itself. Every other event (presence, binary relays, direct messages,
 * client sessions, figures, snapshots) arrives on {@value #BUS_CHANNEL} in the order its instance sent
 * it; an instance's own events come back and are skipped.</li>
 * <li><b>sending</b>: events are queued (bounded, {@link SerialQueue}: the caller never waits) and sent
 * one by one as {@code NOTIFY}, so they arrive in publish order. An event too long for a payload (a
 * binary relay, a snapshot of many memberships) is stored in {@code roomcast_bus_event} in the same
 * transaction as a {@code NOTIFY} carrying its id. While the database is down events are dropped, and
 * this instance's snapshot follows once it answers again.</li>
 * <li><b>leases</b> ({@code roomcast.store.lease}): every third of a lease this instance renews its row in
 * {@code roomcast_instance}, deletes the rows whose lease ran out, and reads the live ones; an instance
 * that no longer has one is lost ({@link LeaseBook}), and its members leave every room here
 * ({@link BusListener#memberLost}, the member id being the instance name). It also deletes stored
 * events older than {@link #STORED_EVENTS_KEPT} and fetches guest numbers ahead ({@link GuestNumbers}).</li>
 * </ul>
 *
 * <p>Events are sealed ({@link BusCodec}) with a fixed key, not with {@code roomcast.cluster.secret}: on
 * this bus the seal only checks that the bytes are a whole event of this version. Who may publish is
 * decided by who may connect to the database (any role that can connect can {@code NOTIFY}), which is
 * the same trust the store already puts in it; instances with different cluster secrets, or none, still
 * form one service.
 *
 * <p>{@link #clustered()} is true while another instance counts as alive (a live lease, or an event of it
 * heard), so a lone instance builds and sends no events; a newcomer asks for everyone's snapshot
 * ({@link BusEvent.SyncRequest}) once its lease is written, and each lone instance starts publishing as
 * soon as it hears that request, answering it with a snapshot taken after that moment. The database is
 * the authority on streams, so there is no quorum: {@link #fence()} lets everything through, and an
 * outage is the store's {@code unavailable}.
 *
 * <p>No lock is held while the listener is called.
 */
public final class PostgresBus implements ClusterBus {

    static final String BUS_CHANNEL = "roomcast_bus";
    /** How often every room with members here is caught up, whatever the notifications said. */
    static final long CATCH_UP_SECONDS = 5;
    /** Stored (large) events are read by every listener at once; this is long past that. */
    static final Duration STORED_EVENTS_KEPT = Duration.ofMinutes(1);
    /** The seal's key (see the class): fixed, since the database's credentials are what authenticate. */
    static final String SEAL_KEY = "roomcast postgres bus: the database authenticates its members";
    /**
     * Events waiting for the sending thread before new ones are dropped: the Hazelcast bus's bound (not
     * named from here: that class loads Hazelcast's types, which WildFly does not have).
     */
    static final SerialQueue.Bound BACKLOG = new SerialQueue.Bound(100_000, 16L * 1024 * 1024);
    /** The connections the bus's own pool holds: sending, leases, reading stored events. */
    public static final int POOL_SIZE = 3;

    private static final long BACKOFF_MIN_MILLIS = 100;
    private static final long BACKOFF_MAX_MILLIS = 5_000;
    private static final Logger LOG = System.getLogger(PostgresBus.class.getName());

    private static final String RENEW = """
            INSERT INTO roomcast_instance (instance, lease_until, connections)
            VALUES (?, now() + make_interval(secs => ?), ?)
            ON CONFLICT (instance) DO UPDATE SET lease_until = EXCLUDED.lease_until, connections = EXCLUDED.connections
            RETURNING (xmax = 0) AS inserted""";
    private static final String EXPIRE = "DELETE FROM roomcast_instance WHERE lease_until < now()";
    private static final String LIVE = "SELECT instance FROM roomcast_instance WHERE lease_until >= now()";
    private static final String FORGET_STORED = """
            DELETE FROM roomcast_bus_event WHERE created_at < now() - make_interval(secs => ?)""";
    private static final String NOTIFY = "SELECT pg_notify(?, ?)";
    private static final String STORE = "INSERT INTO roomcast_bus_event (origin, payload) VALUES (?, ?) RETURNING id";
    private static final String READ_STORED = "SELECT payload FROM roomcast_bus_event WHERE id = ? AND origin <> ?";
    private static final String GUEST_BLOCK = "SELECT nextval('roomcast_guest')";

    private final Database database;
    private final Origin self;
    private final BusCodec codec;
    private final Duration lease;
    private final LeaseBook leases;
    private final GuestNumbers guests;
    private final SerialQueue<byte[]> sender;
    private final ScheduledExecutorService listenLane;
    private final ScheduledExecutorService leaseLane;
    private final Runnable rejected;
    /** Set when an event could not be sent: this instance's snapshot follows once the database answers. */
    private final AtomicBoolean resyncDue = new AtomicBoolean();
    /** One warning per outage, per job. */
    private final AtomicBoolean sendFailing = new AtomicBoolean();
    private final AtomicBoolean leaseFailing = new AtomicBoolean();
    private volatile BusListener listener;
    private volatile boolean running;
    private volatile boolean others;
    private volatile boolean migrated;
    /** The connection count last published, kept with the lease. */
    private volatile int connections;
    private Future<?> listening;
    private Future<?> upkeep;
    private Future<?> catchingUp;

    /**
     * @param lanes    the bus's threads, by lane name ({@code bus-listen}, {@code bus-send}, {@code bus-lease}):
     *                 each a single-threaded executor the caller owns and stops ({@code ApplicationScheduler::lane});
     *                 {@link #stop} cancels the bus's own tasks
     * @param dropped  counts an event dropped by a full backlog
     * @param rejected counts a notification that is not an event of this version
     */
    public PostgresBus(Database database, String instance, Duration lease,
                       Function<String, ScheduledExecutorService> lanes, Runnable dropped, Runnable rejected) {
        this.database = database;
        this.self = new Origin(instance, instance);
        this.codec = new BusCodec(ClusterSeal.of(SEAL_KEY));
        this.lease = lease;
        this.leases = new LeaseBook(instance);
        this.rejected = rejected;
        this.listenLane = lanes.apply("bus-listen");
        this.leaseLane = lanes.apply("bus-lease");
        this.guests = new GuestNumbers(() -> onLeaseLane(this::fetchGuests));
        this.sender = new SerialQueue<>("database bus backlog", lanes.apply("bus-send"), this::send,
                BACKLOG, new SerialQueue.Overflow<>() {
                    @Override
                    public void dropped() {
                        dropped.run();
                    }

                    @Override
                    public byte[] resync() {
                        BusListener current = listener;
                        return current == null ? null : codec.encode(self, current.snapshot());
                    }
                });
    }

    @Override
    public Origin self() {
        return self;
    }

    /** True while another instance counts as alive: see the class. */
    @Override
    public boolean clustered() {
        return others;
    }

    /** Never local: the streams are the database's. */
    @Override
    public boolean local() {
        return false;
    }

    @Override
    public synchronized void start(BusListener listener) {
        this.listener = listener;
        running = true;
        listening = listenLane.submit(this::listen);
        long every = Math.max(1, lease.toMillis() / 3);
        upkeep = leaseLane.scheduleWithFixedDelay(this::upkeep, 0, every, TimeUnit.MILLISECONDS);
        catchingUp = leaseLane.scheduleWithFixedDelay(this::catchUpIfShared, CATCH_UP_SECONDS, CATCH_UP_SECONDS,
                TimeUnit.SECONDS);
        LOG.log(Level.INFO, "instances on this database form one service (PROTOCOL 14): bus on {0} and {1} as "
                        + "instance {2}, lease {3} s", BUS_CHANNEL, PostgresStreams.ROOM_CHANNEL, self.instance(),
                lease.toSeconds());
    }

    /** Room messages travel by the database's streams, not here (see the class). */
    @Override
    public void publish(BusEvent event) {
        if (event instanceof BusEvent.Message) {
            return;
        }
        if (event instanceof BusEvent.Figures figures) {
            connections = figures.connections();
        }
        byte[] encoded = codec.encode(self, event);
        sender.offer(encoded, encoded.length);
    }

    @Override
    public long uniqueNumber() {
        return guests.take();
    }

    @Override
    public void stop() {
        Future<?>[] tasks;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            tasks = new Future<?>[] {listening, upkeep, catchingUp};
        }
        for (Future<?> task : tasks) {
            task.cancel(true);
        }
        // Directly, not queued: the lanes may be stopping. Others forget this instance's members now. The
        // lease row stays until it runs out: deleted now, another instance's read of the leases could miss
        // it before its listener has the goodbye, and count this instance lost instead of gone.
        try (Connection connection = database.connection()) {
            notify(connection, codec.encode(self, new BusEvent.Goodbye()));
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.DEBUG, "database bus stop: {0}", e.toString());
        }
    }

    @Override
    public MajorityFence fence() {
        return MajorityFence.ALONE;
    }

    // ---- listening

    /** The listening lane's one task: listens until stopped, reconnecting with backoff. */
    private void listen() {
        long backoff = BACKOFF_MIN_MILLIS;
        boolean first = true;
        while (running) {
            try (ListeningConnection notifications = database.listen(PostgresStreams.ROOM_CHANNEL, BUS_CHANNEL)) {
                backoff = BACKOFF_MIN_MILLIS;
                if (!first) {
                    LOG.log(Level.INFO, "database bus: listening again; catching up every room and asking every "
                            + "instance for its snapshot");
                    publish(new BusEvent.SyncRequest()); // what they said meanwhile is lost: their state comes again
                    // and ours goes to them: one that came back before us may have asked while we did not listen
                    offerSnapshot();
                } else {
                    LOG.log(Level.INFO, "database bus: listening; notifications are read {0}", notifications.way());
                }
                first = false;
                // Whatever was committed before this LISTEN took effect was announced to nobody here.
                safely(listener::streamsMayHaveAdvanced);
                while (running) {
                    for (ListeningConnection.Notice notice : notifications.await(500)) {
                        dispatch(notice.channel(), notice.payload());
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.log(backoff == BACKOFF_MIN_MILLIS ? Level.WARNING : Level.DEBUG,
                        "database bus: not listening ({0}); trying again in {1} ms", e.toString(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException stopped) {
                    return;
                }
                backoff = Math.min(BACKOFF_MAX_MILLIS, backoff * 2);
            }
        }
    }

    private void dispatch(String channel, String payload) throws SQLException {
        BusListener current = listener;
        try {
            if (PostgresStreams.ROOM_CHANNEL.equals(channel)) {
                BusNotice.StreamAdvanced advanced = BusNotice.stream(payload);
                if (!advanced.origin().equals(self.instance())) { // our own commits we deliver ourselves
                    safely(() -> current.streamAdvanced(advanced.room(), advanced.latest()));
                }
            } else if (BUS_CHANNEL.equals(channel)) {
                BusNotice notice = BusNotice.event(payload);
                byte[] bytes = notice instanceof BusNotice.Stored stored ? readStored(stored.id())
                        : ((BusNotice.Inline) notice).event();
                if (bytes != null) {
                    received(codec.decode(bytes));
                }
            }
        } catch (IllegalArgumentException e) {
            rejected.run();
            LOG.log(Level.DEBUG, "database bus: a notification on {0} that is not ours: {1}", channel, e.getMessage());
        }
    }

    /** Another instance's event, in the order it sent it (one listening thread). */
    private void received(BusCodec.Envelope envelope) {
        Origin origin = envelope.origin();
        if (origin.instance().equals(self.instance())) {
            return; // ours: delivered here before it was published
        }
        BusEvent event = envelope.event();
        if (event instanceof BusEvent.Goodbye) {
            leases.departed(origin.instance());
            others = leases.others();
        } else if (leases.heard(origin.instance(), System.nanoTime())) {
            others = true;
        }
        if (event instanceof BusEvent.SyncRequest) {
            offerSnapshot();
        }
        if (event instanceof BusEvent.Ping || event instanceof BusEvent.Pong) {
            return; // no quorum on this bus
        }
        safely(() -> listener.received(origin, event));
    }

    /** A stored event of another instance; null for one of ours, or one already deleted. */
    private byte[] readStored(long id) throws SQLException {
        try (Connection connection = database.connection();
             PreparedStatement read = connection.prepareStatement(READ_STORED)) {
            read.setLong(1, id);
            read.setString(2, self.instance());
            try (ResultSet row = read.executeQuery()) {
                return row.next() ? row.getBytes(1) : null;
            }
        }
    }

    // ---- sending

    /** On the sending lane, one event at a time. */
    private void send(byte[] event) {
        try {
            try (Connection connection = database.connection()) {
                notify(connection, event);
            } catch (SQLException first) {
                // After a database restart the pool may hand out a connection that died with it; the pool
                // drops it on this failure, and a second connection is a new one.
                try (Connection connection = database.connection()) {
                    notify(connection, event);
                }
            }
            if (sendFailing.compareAndSet(true, false)) {
                LOG.log(Level.INFO, "database bus: sending again");
            }
        } catch (SQLException e) {
            resyncDue.set(true);
            if (sendFailing.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "database bus: events are dropped while the database does not answer; this "
                        + "instance''s snapshot follows when it does: {0}", e.toString());
            }
        }
    }

    private void notify(Connection connection, byte[] event) throws SQLException {
        String payload = BusNotice.inline(event);
        if (payload != null) {
            notify(connection, payload);
            return;
        }
        Database.inTransaction(connection, () -> {
            long id;
            try (PreparedStatement store = connection.prepareStatement(STORE)) {
                store.setString(1, self.instance());
                store.setBytes(2, event);
                try (ResultSet row = store.executeQuery()) {
                    row.next();
                    id = row.getLong(1);
                }
            }
            notify(connection, BusNotice.stored(id)); // sent at commit, after the row is there to read
            return null;
        });
    }

    private static void notify(Connection connection, String payload) throws SQLException {
        try (PreparedStatement notify = connection.prepareStatement(NOTIFY)) {
            notify.setString(1, BUS_CHANNEL);
            notify.setString(2, payload);
            notify.executeQuery().close();
        }
    }

    /** The snapshot is taken when its turn to be sent comes, after every event queued before it. */
    private void offerSnapshot() {
        sender.offerLazily(() -> codec.encode(self, listener.snapshot()));
    }

    /**
     * The periodic catch-up, only while other instances are on the database: alone, every message in the
     * stream is one this instance committed and delivers itself, so a read could only find the ones its
     * answers are still delivering; under overload those reads were most of its CPU, on top of the overload.
     */
    private void catchUpIfShared() {
        if (others) {
            safely(listener::streamsMayHaveAdvanced);
        }
    }

    // ---- leases

    /** On the lease lane, every third of a lease: see the class. */
    private void upkeep() {
        Set<String> live = new HashSet<>();
        long queriedAt = System.nanoTime();
        boolean inserted;
        try (Connection connection = database.connection()) {
            if (!migrated) {
                database.migrate(); // the store does too; Flyway's lock makes the second a no-op
                migrated = true;
            }
            try (PreparedStatement renew = connection.prepareStatement(RENEW)) {
                renew.setString(1, self.instance());
                renew.setLong(2, lease.toSeconds());
                renew.setInt(3, connections);
                try (ResultSet row = renew.executeQuery()) {
                    row.next();
                    inserted = row.getBoolean(1);
                }
            }
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate(EXPIRE);
                try (ResultSet rows = statement.executeQuery(LIVE)) {
                    while (rows.next()) {
                        live.add(rows.getString(1));
                    }
                }
            }
            try (PreparedStatement forget = connection.prepareStatement(FORGET_STORED)) {
                forget.setLong(1, STORED_EVENTS_KEPT.toSeconds());
                forget.executeUpdate();
            }
            if (leaseFailing.compareAndSet(true, false)) {
                LOG.log(Level.INFO, "database bus: lease renewed again");
            }
        } catch (SQLException | RuntimeException e) {
            if (leaseFailing.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "database bus: the lease could not be renewed (the others count this instance "
                        + "as gone once it runs out): {0}", e.toString());
            }
            return;
        }
        List<String> lost = leases.read(live, queriedAt);
        others = leases.others();
        for (String instance : lost) {
            LOG.log(Level.INFO, "database bus: instance {0} has no live lease: its members leave", instance);
            safely(() -> listener.memberLost(instance));
        }
        if (inserted) {
            // A new lease (at start, or ours ran out and the others forgot us): everyone's snapshot, asked
            // once our lease is there to be seen, and ours, which takes us back and carries whatever
            // connections came while we were alone or out of reach.
            publish(new BusEvent.SyncRequest());
            offerSnapshot();
        } else if (resyncDue.compareAndSet(true, false)) {
            offerSnapshot();
        }
        if (guests.wanted()) {
            fetchGuests();
        }
    }

    /** On the lease lane: the next block of guest numbers. */
    private void fetchGuests() {
        try (Connection connection = database.connection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(GUEST_BLOCK)) {
            row.next();
            guests.add(row.getLong(1));
        } catch (SQLException | RuntimeException e) {
            guests.failed();
        }
    }

    private void onLeaseLane(Runnable task) {
        try {
            leaseLane.execute(task);
        } catch (RejectedExecutionException e) {
            guests.failed(); // stopping
        }
    }

    /** A failing listener must not end the bus's threads, nor the events behind it. */
    private static void safely(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "database bus event failed: {0}", e.toString());
        }
    }
}
