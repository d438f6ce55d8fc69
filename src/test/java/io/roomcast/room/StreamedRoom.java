package io.roomcast.room;

import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.Connection;
import io.roomcast.connection.ConnectionKind;
import io.roomcast.connection.ConnectionRegistry;
import io.roomcast.connection.Identity;
import io.roomcast.connection.OutboundFrame;
import io.roomcast.connection.TestConnections;
import io.roomcast.room.event.RoomEvent;
import io.roomcast.stream.StreamPosition;
import jakarta.websocket.CloseReason;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Room 7 of a single server wired by hand, with in-memory streams and one JSON member (bob) in it: what
 * the tests of the sequencer, the gap filler and the replay pacer share.
 */
final class StreamedRoom {

    static final int ROOM = 7;
    private static final Pattern OFFSET = Pattern.compile("\"type\":\"message\".*\"offset\":(\\d+)");

    final RoomRegistry registry = new RoomRegistry();
    /** What bob was sent, and how he was closed. */
    final List<OutboundFrame> frames = Collections.synchronizedList(new ArrayList<>());
    final List<CloseReason> closes = Collections.synchronizedList(new ArrayList<>());
    final Connection member = TestConnections.connection("c1",
            new Identity("bob", true, "10.0.0.1", null, null, null), ConnectionKind.JSON, frames, closes);
    final SingleServerRooms single;

    StreamedRoom(Map<String, String> settings) {
        single = SingleServerRooms.of(registry, new ConnectionRegistry(),
                RoomcastSettings.from(key -> Optional.ofNullable(settings.get(key))), event -> { });
        join(member, null);
        frames.clear();
    }

    RoomSequencers sequencers() {
        return single.sequencers();
    }

    /** Joins room 7, recovering after {@code since} (null: a plain join). */
    void join(Connection connection, StreamPosition since) {
        single.rooms().join(new RoomCommand.Join(connection, ROOM, since));
    }

    /** A message put into room 7's stream, not yet delivered. */
    RoomEvent.Message stored(String text) {
        return single.store().append(new RoomEvent.Message(ROOM, "m-" + text, "alice", text, null, 1L), null)
                .message();
    }

    /** The offsets of the messages bob received, in order. */
    List<Long> deliveredOffsets() {
        return offsets(frames);
    }

    static List<Long> offsets(List<OutboundFrame> frames) {
        List<Long> offsets = new ArrayList<>();
        synchronized (frames) {
            for (OutboundFrame frame : frames) {
                Matcher m = OFFSET.matcher(((OutboundFrame.Text) frame).text());
                if (m.find()) {
                    offsets.add(Long.parseLong(m.group(1)));
                }
            }
        }
        return offsets;
    }
}
