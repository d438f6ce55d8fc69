package io.roomcast.room;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.Connection;
import io.roomcast.room.event.RoomEvent;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/**
 * Joining and leaving rooms within the room caps (PROTOCOL 12) and the user's room quota (13.6), each
 * change announced as presence to the room's members here and elsewhere ({@link Broadcast}). Member counts
 * include the members held elsewhere. A join runs under its room's sequencer ({@link RoomSequencers#join}),
 * so that it takes effect between two offsets of the room's stream. Holds no state of its own
 * ({@link RoomRegistry} does): dependent, so that asking it costs no client proxy on the path of every frame.
 */
@Dependent
public class Membership {

    private final RoomRegistry registry;
    private final RoomcastSettings settings;
    private final MembersElsewhere elsewhere;
    private final Broadcast broadcast;
    private final FiguresChanged figures;

    @Inject
    public Membership(RoomRegistry registry, RoomcastSettings settings, MembersElsewhere elsewhere,
                      Broadcast broadcast, FiguresChanged figures) {
        this.registry = registry;
        this.settings = settings;
        this.elsewhere = elsewhere;
        this.broadcast = broadcast;
        this.figures = figures;
    }

    /**
     * Joins a room; presence goes out only when membership changed. Returns the change with the member
     * count on every instance, or the refusal.
     */
    public RoomRegistry.Change join(Connection connection, int room) {
        RoomRegistry.Change change = registry.join(room, connection,
                new RoomRegistry.Limits(settings.roomsPerConnection(), settings.roomsTotal(), settings.roomsPerUser()));
        if (change.refused()) {
            return change;
        }
        int members = change.members() + elsewhere.members(room);
        if (change.changed()) {
            broadcast.publish(new RoomEvent.Presence(room, connection.id(), connection.user(), true, members));
            figures.changed(); // the room count may have moved: the status stream says so (after the change)
        }
        return new RoomRegistry.Change(change.changed(), members);
    }

    /** Leaves a room, with presence; false when the connection was not a member. */
    public boolean leave(Connection connection, int room) {
        RoomRegistry.Change change = registry.leave(room, connection);
        if (change.changed()) {
            int members = change.members() + elsewhere.members(room);
            broadcast.publish(new RoomEvent.Presence(room, connection.id(), connection.user(), false, members));
            figures.changed();
        }
        return change.changed();
    }

    public boolean isMember(Connection connection, int room) {
        return registry.isMember(room, connection);
    }

    /** Members of the room on every instance. */
    public int members(int room) {
        return registry.memberCount(room) + elsewhere.members(room);
    }
}
