package io.roomcast.status;

import io.roomcast.protocol.ServerFrames.InstanceFigure;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of every instance together: live connections, member counts by room (in room order),
 * and one row per instance (this one first).
 */
public record ClusterFigures(int connections, Map<Integer, Integer> rooms, List<InstanceFigure> instances) {

    public ClusterFigures {
        rooms = Collections.unmodifiableSortedMap(new TreeMap<>(rooms));
        instances = List.copyOf(instances);
    }
}
