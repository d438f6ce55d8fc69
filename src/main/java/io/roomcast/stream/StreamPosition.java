package io.roomcast.stream;

/** A place in a room's stream as a client holds it: the stream's epoch and the last offset it saw (PROTOCOL 9). */
public record StreamPosition(String epoch, long offset) {
}
