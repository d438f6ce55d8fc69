package io.roomcast.protocol;

/**
 * The text protocol of {@code /ws/chat/{roomId}} (PROTOCOL 3.1), as the server writes it: a room message
 * is one line {@code Room N: text}, the text unchanged. The JSON frames are {@link ServerFrames}, written by
 * {@link FrameEncoder}; this is the chat endpoint's counterpart.
 */
public final class ChatLines {

    private ChatLines() {
    }

    /** A room message as chat members receive it. */
    public static String message(int room, String text) {
        return "Room " + room + ": " + text;
    }
}
