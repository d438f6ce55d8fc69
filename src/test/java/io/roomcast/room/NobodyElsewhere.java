package io.roomcast.room;

/** A single server, for tests: nobody is held by another instance. */
public final class NobodyElsewhere implements MembersElsewhere {

    @Override
    public int members(int room) {
        return 0;
    }

    @Override
    public boolean hasClient(int clientId) {
        return false;
    }
}
