package io.roomcast.cluster;

/**
 * Who published a bus event: the cluster member (the Payara Micro process, whose loss Hazelcast
 * reports) and the Roomcast instance on it (one deployment, the {@code instance} of /api/status).
 * The instance name changes with every deployment, so events of an instance that said goodbye can be
 * told apart from those of a later deployment on the same member.
 */
public record Origin(String member, String instance) {
}
