package io.roomcast.room;

/**
 * Told when this instance's figures changed because someone joined or left a room, so that the live
 * status (PROTOCOL 3.4) follows: the status stream implements it. A port, so that rooms need not know
 * who watches them.
 */
public interface FiguresChanged {

    void changed();
}
