package io.roomcast.connection;

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
 * @param allowedRooms the rooms the token allows, or null when every room is allowed
 * @param expiresAt the token's {@code exp} in epoch milliseconds, null for guests
 * @param reservation the connection-limit slot the handshake reserved, claimed when the session opens
 */
public record Identity(String user, boolean authenticated, String address, Integer clientId,
                       Set<Integer> allowedRooms, Long expiresAt, String reservation) implements Principal {

    public Identity {
        allowedRooms = allowedRooms == null ? null : Set.copyOf(allowedRooms);
    }

    /** An identity that holds no reservation (the session counts itself when it is added). */
    public Identity(String user, boolean authenticated, String address, Integer clientId, Set<Integer> allowedRooms,
                    Long expiresAt) {
        this(user, authenticated, address, clientId, allowedRooms, expiresAt, null);
    }

    public Identity withReservation(String id) {
        return new Identity(user, authenticated, address, clientId, allowedRooms, expiresAt, id);
    }

    /**
     * The same connection under a refreshed token (PROTOCOL 10): the token's rooms and expiry change;
     * the user, address, client id and reservation, on which the connection limits are counted, do not.
     */
    public Identity withToken(Set<Integer> rooms, long tokenExpiresAt) {
        return new Identity(user, authenticated, address, clientId, rooms, tokenExpiresAt, reservation);
    }

    @Override
    public String getName() {
        return user;
    }

    public boolean mayEnter(int room) {
        return allowedRooms == null || allowedRooms.contains(room);
    }
}
