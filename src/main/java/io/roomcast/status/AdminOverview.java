package io.roomcast.status;

import io.roomcast.protocol.ServerFrames.InstanceFigure;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the admin page shows, as {@code GET /api/admin/overview} answers it (PROTOCOL 3.5). The live
 * figures ({@code connections}, {@code rooms}' member counts, {@code instances}) are cluster-wide, like
 * {@code /ws/status}; the counters and the member names are those of the instance that answered.
 *
 * @param instance the instance that answered
 * @param timestamp when the figures were read, epoch milliseconds
 * @param connections live sessions of every instance
 * @param roomCount rooms with at least one member, cluster-wide
 * @param rooms the {@value AdminFigures#MAX_ROOMS} largest of them, largest first
 * @param instances a row per instance, the answering one first
 * @param messagesIn data frames received from clients by this instance since it started
 * @param deliveries messages this instance queued to its sessions since it started (a room message to
 *                   ten members counts ten)
 * @param slowConsumerCloses sessions this instance closed with 1013 for a full send queue
 * @param handshakeRefusals refused handshakes of this instance by error code, every handshake code present
 */
@JsonbPropertyOrder({"instance", "timestamp", "connections", "roomCount", "rooms", "instances", "messagesIn",
        "deliveries", "slowConsumerCloses", "handshakeRefusals"})
public record AdminOverview(String instance, long timestamp, long connections, int roomCount, List<RoomRow> rooms,
                            List<InstanceFigure> instances, long messagesIn, long deliveries, long slowConsumerCloses,
                            Map<String, Long> handshakeRefusals) {

    public AdminOverview {
        rooms = List.copyOf(rooms);
        instances = List.copyOf(instances);
        handshakeRefusals = Collections.unmodifiableMap(new TreeMap<>(handshakeRefusals)); // codes in order
    }

    /**
     * One room.
     *
     * @param members its members on every instance
     * @param users the distinct names of its members on the answering instance, sorted, at most
     *              {@value AdminFigures#MAX_USERS}
     */
    @JsonbPropertyOrder({"room", "members", "users"})
    public record RoomRow(int room, int members, List<String> users) {

        public RoomRow {
            users = List.copyOf(users);
        }
    }
}
