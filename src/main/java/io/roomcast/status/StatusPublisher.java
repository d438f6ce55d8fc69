package io.roomcast.status;

import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.OutboundFrame;
import io.roomcast.protocol.FrameEncoder;
import io.roomcast.protocol.ServerFrames;
import io.roomcast.room.RoomRegistry;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Streams the live figures to {@code /ws/status} sessions: one frame on open, then one after every
 * change, coalesced so that a burst of connects costs at most one frame per second.
 */
@ApplicationScoped
public class StatusPublisher {

    private static final long MIN_GAP_MILLIS = 1000;

    @Inject
    ConnectionRegistry registry;
    @Inject
    RoomRegistry rooms;
    @Inject
    FrameEncoder encoder;
    @Resource
    ManagedScheduledExecutorService scheduler;

    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile long lastSentMillis;

    /** The figures changed; a status frame will follow within a second. */
    public void changed() {
        if (pending.compareAndSet(false, true)) {
            long wait = Math.max(0, lastSentMillis + MIN_GAP_MILLIS - System.currentTimeMillis());
            scheduler.schedule(this::publish, wait, TimeUnit.MILLISECONDS);
        }
    }

    /** Sends the current figures to one newly opened status session. */
    public void sendTo(Connection connection) {
        connection.send(currentFrame());
    }

    public ServerFrames.Status current() {
        return new ServerFrames.Status(registry.size(), rooms.roomCount(), System.currentTimeMillis());
    }

    private OutboundFrame currentFrame() {
        return new OutboundFrame.Text(encoder.encode(current()));
    }

    private void publish() {
        pending.set(false);
        lastSentMillis = System.currentTimeMillis();
        OutboundFrame frame = currentFrame();
        for (Connection connection : registry.all()) {
            if (connection.kind() == ConnectionKind.STATUS) {
                connection.send(frame);
            }
        }
    }
}
