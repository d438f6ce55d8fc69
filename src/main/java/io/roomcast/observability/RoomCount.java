package io.roomcast.observability;

/**
 * How many rooms have members on this instance, for the figures. A port: the room feature implements it
 * ({@code room.RoomRegistry}) and counts its deliveries in {@link RoomcastMetrics}, so the figures name no
 * room class and the two packages do not depend on each other both ways.
 */
public interface RoomCount {

    int roomCount();
}
