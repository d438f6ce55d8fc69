package io.roomcast.status;

import io.roomcast.protocol.ServerFrames.InstanceFigure;
import java.util.List;
import java.util.Map;

/**
 * The figures of other instances, and how this instance tells them its own. Implemented by the cluster
 * adapter; on a single server everything is empty and nothing is told.
 */
public interface FiguresElsewhere {

    /** Connections held elsewhere. */
    int connections();

    /** Member counts by room held elsewhere. */
    Map<Integer, Integer> sizes();

    /** The other instances with their connection counts. */
    List<InstanceFigure> instances();

    /** This instance's connection count, at most once per coalesced status beat. */
    void tell(int localConnections);
}
