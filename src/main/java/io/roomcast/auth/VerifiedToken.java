package io.roomcast.auth;

import io.roomcast.connection.Identity;
import java.util.Set;

/**
 * What a valid token says.
 *
 * @param user the {@code sub}
 * @param rooms the rooms the {@code rooms} claim allows; null: all rooms
 * @param clients the client ids the {@code clients} claim lets the bearer bind on {@code /ws/secure}; null
 *                when the claim is absent (no client id may be bound)
 * @param expiresAt the {@code exp} in epoch milliseconds
 * @param admin whether the {@value #ADMIN_CLAIM} claim is {@code true}: the bearer may read the admin figures
 *              ({@code GET /api/admin/overview}, the admin page)
 */
public record VerifiedToken(String user, Set<Integer> rooms, Set<Integer> clients, long expiresAt, boolean admin) {

    /** The claim that makes a token an admin's: {@code "roomcast_admin": true} (PROTOCOL 3.5). */
    public static final String ADMIN_CLAIM = "roomcast_admin";

    public VerifiedToken {
        rooms = rooms == null ? null : Set.copyOf(rooms);
        clients = clients == null ? null : Set.copyOf(clients);
    }

    /** A token without the admin claim. */
    public VerifiedToken(String user, Set<Integer> rooms, Set<Integer> clients, long expiresAt) {
        this(user, rooms, clients, expiresAt, false);
    }

    /** Whether the token lets its bearer into the room ({@link Identity#mayEnter(Set, int)}). */
    public boolean mayEnter(int room) {
        return Identity.mayEnter(rooms, room);
    }

    /** Whether the token lets its bearer bind {@code /ws/secure/{clientId}} (PROTOCOL 11). */
    public boolean mayBind(int clientId) {
        return clients != null && clients.contains(clientId);
    }
}
