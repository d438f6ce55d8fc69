package io.roomcast.cluster;

import java.util.concurrent.Executor;

/**
 * What the Hazelcast bus is built with, in types every server can load (the producer names no Hazelcast
 * type, see {@link ClusterBusProducer}).
 *
 * @param instance this deployment's name, the {@code instance} of /api/status
 * @param executor where events are published and received events applied, one at a time
 * @param seal     seals every event with the cluster's secret (PROTOCOL 13.10)
 * @param quorum   instances that must answer, this one included, for a stream operation to count
 * @param dropped  counts an event dropped by a full backlog ({@code roomcast_cluster_dropped_total})
 * @param rejected counts bytes from the grid that failed their seal or their format
 *                 ({@code roomcast_cluster_rejected_total})
 */
public record BusSetup(String instance, Executor executor, ClusterSeal seal, int quorum, Runnable dropped,
                       Runnable rejected) {
}
