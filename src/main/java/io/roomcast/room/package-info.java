/**
 * The room feature: joining and leaving rooms, publishing into them, relaying binary frames, reading their
 * history, and direct messages. Start at {@link io.roomcast.room.Rooms}, the one entry point: every request
 * is a {@link io.roomcast.room.RoomCommand} and every answer a {@link io.roomcast.room.RoomResult}; each
 * step behind it is one class of this package (docs/ARCHITECTURE.md, "One chat frame, hop by hop").
 */
package io.roomcast.room;
