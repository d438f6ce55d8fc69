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
 */
public record VerifiedToken(String user, Set<Integer> rooms, Set<Integer> clients, long expiresAt) {

    public VerifiedToken {
        rooms = rooms == null ? null : Set.copyOf(rooms);
        clients = clients == null ? null : Set.copyOf(clients);
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
