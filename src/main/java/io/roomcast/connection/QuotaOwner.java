package io.roomcast.connection;

/**
 * Whose limits a connection counts against across connections (PROTOCOL 13.5 and 13.6): an
 * authenticated user by the token's {@code sub}, a guest by its client address (a guest's name is
 * new with every connection, so it would reset every limit). A user and an address of the same
 * spelling are different owners.
 *
 * @param user true for a token's {@code sub}, false for a guest's client address
 * @param name the {@code sub} or the address
 */
public record QuotaOwner(boolean user, String name) {

    public static QuotaOwner user(String sub) {
        return new QuotaOwner(true, sub);
    }

    public static QuotaOwner address(String address) {
        return new QuotaOwner(false, address);
    }

    public static QuotaOwner of(Identity identity) {
        return identity.authenticated() ? user(identity.user()) : address(identity.address());
    }
}
