package io.roomcast.room;

import io.roomcast.room.event.RoomEvent;
import java.util.List;

/** A fan-out port that only records what the domain published, in order; messages come back unplaced. */
record RecordingFanOut(List<RoomEvent> published) implements FanOut {

    @Override
    public void publish(RoomEvent event) {
        published.add(event);
    }

    @Override
    public RoomEvent.Message publish(Publication publication) {
        published.add(publication.message());
        return publication.message();
    }
}
