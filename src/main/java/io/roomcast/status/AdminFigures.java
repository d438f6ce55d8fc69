package io.roomcast.status;

import io.roomcast.connection.Connection;
import io.roomcast.connection.Ids;
import io.roomcast.observability.RoomcastMetrics;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.room.RoomRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads the admin page's figures ({@link AdminOverview}): the status stream's live figures, the members'
 * names this instance holds, and this instance's counters.
 */
@ApplicationScoped
public class AdminFigures {

    /** Rooms listed, largest first: an overview of 100,000 rooms would be no overview, and a large answer. */
    public static final int MAX_ROOMS = 100;
    /** Names listed per room, for the same reasons. */
    public static final int MAX_USERS = 50;

    private final StatusPublisher status;
    private final RoomRegistry registry;
    private final RoomcastMetrics metrics;
    private final Ids ids;

    @Inject
    public AdminFigures(StatusPublisher status, RoomRegistry registry, RoomcastMetrics metrics, Ids ids) {
        this.status = status;
        this.registry = registry;
        this.metrics = metrics;
        this.ids = ids;
    }

    /** For the CDI client proxy only. */
    protected AdminFigures() {
        this(null, null, null, null);
    }

    public AdminOverview overview() {
        ClusterFigures figures = status.figures();
        List<AdminOverview.RoomRow> rooms = figures.rooms().entrySet().stream()
                .sorted(Map.Entry.<Integer, Integer>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(MAX_ROOMS)
                .map(e -> new AdminOverview.RoomRow(e.getKey(), e.getValue(), users(e.getKey())))
                .toList();
        Map<String, Long> refusals = new TreeMap<>();
        for (ErrorCode code : ErrorCode.HANDSHAKE) {
            refusals.put(code.wire(), metrics.handshakeFailures(code));
        }
        return new AdminOverview(ids.instance(), System.currentTimeMillis(), figures.connections(),
                figures.rooms().size(), rooms, figures.instances(), metrics.messagesIn(), metrics.messagesOut(),
                metrics.slowConsumerCloses(), refusals);
    }

    private List<String> users(int room) {
        TreeSet<String> names = new TreeSet<>();
        for (Connection member : registry.members(room)) {
            names.add(member.user());
        }
        return names.stream().limit(MAX_USERS).toList();
    }
}
