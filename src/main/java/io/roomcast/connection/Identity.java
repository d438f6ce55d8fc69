package io.roomcast.connection;

import io.roomcast.protocol.RoomId;
import java.security.Principal;
import java.util.Set;

/**
 * Who is behind a connection, as decided during the handshake. It travels from the handshake filter
 * to the endpoint as the upgrade request's user principal, which every WebSocket implementation
 * hands to the session, so no per-connection state passes through the shared endpoint
 * configuration.
 *
 * @param user the user name ({@code guest-<n>} for anonymous users)
 * @param authenticated whether the name comes from a verified token
 * @param address the resolved client address
 * @param clientId the numeric client id of {@code /ws/secure/{clientId}}, otherwise null
 * @param room the room of {@code /ws/chat/{roomId}}, parsed once by the handshake; otherwise null
 * @param allowedRooms the rooms the token allows, or null when every room is allowed
 * @param expiresAt the token's {@code exp} in epoch milliseconds, null for guests
 * @param reservation the connection-limit slot the handshake reserved, claimed when the session opens
 */
public record Identity(String user, boolean authenticated, String address, Integer clientId, RoomId room,
                       Set<Integer> allowedRooms, Long expiresAt, String reservation) implements Principal {

    public Identity {
        allowedRooms = allowedRooms == null ? null : Set.copyOf(allowedRooms);
    }

    /** An identity of any path but the chat room's. */
    public Identity(String user, boolean authenticated, String address, Integer clientId, Set<Integer> allowedRooms,
                    Long expiresAt, String reservation) {
        this(user, authenticated, address, clientId, null, allowedRooms, expiresAt, reservation);
    }

    /** An identity that holds no reservation (the session counts itself when it is added). */
    public Identity(String user, boolean authenticated, String address, Integer clientId, Set<Integer> allowedRooms,
                    Long expiresAt) {
        this(user, authenticated, address, clientId, null, allowedRooms, expiresAt, null);
    }

    public Identity withReservation(String id) {
        return new Identity(user, authenticated, address, clientId, room, allowedRooms, expiresAt, id);
    }

    /**
     * The same connection under a refreshed token (PROTOCOL 10): the token's rooms and expiry change;
     * the user, address, client id and reservation, on which the connection limits are counted, do not.
     */
    public Identity withToken(Set<Integer> rooms, long tokenExpiresAt) {
        return new Identity(user, authenticated, address, clientId, room, rooms, tokenExpiresAt, reservation);
    }

    @Override
    public String getName() {
        return user;
    }

    public Identity inRoom(RoomId chatRoom) {
        return new Identity(user, authenticated, address, clientId, chatRoom, allowedRooms, expiresAt, reservation);
    }

    public boolean mayEnter(int room) {
        return mayEnter(allowedRooms, room);
    }

    /**
     * The one room-access rule (PROTOCOL 10), for the handshake, {@code join} and the publish API alike:
     * a token's {@code rooms} claim, null when absent, allows the rooms it lists, or every room.
     */
    public static boolean mayEnter(Set<Integer> allowedRooms, int room) {
        return allowedRooms == null || allowedRooms.contains(room);
    }
}
