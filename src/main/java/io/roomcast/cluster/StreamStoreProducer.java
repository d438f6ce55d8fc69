package io.roomcast.cluster;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.room.RoomRegistry;
import io.roomcast.stream.MemoryStreams;
import io.roomcast.stream.StreamStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Chooses where rooms' streams live: in this instance's memory on a single server, swept once a second
 * by one plain daemon thread (no managed executor: the sweep needs no container context).
 */
@ApplicationScoped
public class StreamStoreProducer {

    private static final Logger LOG = System.getLogger(StreamStoreProducer.class.getName());

    private final RoomcastSettings settings;
    private final RoomRegistry rooms;
    private ScheduledExecutorService sweeper;

    @Inject
    public StreamStoreProducer(RoomcastSettings settings, RoomRegistry rooms) {
        this.settings = settings;
        this.rooms = rooms;
    }

    /** For the CDI client proxy only. */
    protected StreamStoreProducer() {
        this(null, null);
    }

    @Produces
    @ApplicationScoped
    StreamStore streams() {
        MemoryStreams memory = new MemoryStreams(settings.historySize(), settings.historyTtl().toNanos(),
                settings.historyMaxBytes(), room -> rooms.memberCount(room) > 0, System::nanoTime);
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "roomcast-stream-expiry");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                memory.sweep();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "room stream expiry failed: {0}", e.toString()); // and runs again next second
            }
        }, 1, 1, TimeUnit.SECONDS);
        LOG.log(Level.INFO, "room streams in memory: {0} messages per room for {1} s, {2} bytes in all{3}",
                settings.historySize(), settings.historyTtl().toSeconds(), settings.historyMaxBytes(),
                memory.enabled() ? "" : " (off: roomcast.history.size=0)");
        return memory;
    }

    void close(@Disposes StreamStore store) {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }
}
