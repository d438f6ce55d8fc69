"""Peer: the FastAPI original of Roomcast's /ws/chat/{roomId} contract.

Written the way FastAPI's WebSocket tutorial does it ("Handling disconnections
and multiple clients": a ConnectionManager holding the connections, broadcast
by awaiting send_text on each), keyed by room. Runs on uvicorn with Debian's
python3-fastapi / python3-uvicorn (websockets protocol, uvloop, httptools;
liveness = uvicorn's WebSocket ping, --ws-ping-interval).

Also: GET /api/status (readiness) and /ws/auth (HS256 JWT from the
Authorization: Bearer header, checked with PyJWT) for the handshake scenario.
Secret from env JWT_SECRET or ROOMCAST_JWT_SECRET.

Run: /usr/bin/python3 -m uvicorn app:app --host 127.0.0.1 --port 18081
"""
import os
import time

import jwt
from fastapi import FastAPI, WebSocket, WebSocketDisconnect, status

JWT_SECRET = os.environ.get("JWT_SECRET") or os.environ.get("ROOMCAST_JWT_SECRET", "")
MAX_ID = 2147483647

app = FastAPI(title="roomcast-fastapi-peer")


class ConnectionManager:
    def __init__(self):
        self.rooms: dict[int, list[WebSocket]] = {}
        self.connections = 0

    async def connect(self, room_id: int, websocket: WebSocket):
        await websocket.accept()
        self.rooms.setdefault(room_id, []).append(websocket)
        self.connections += 1

    def disconnect(self, room_id: int, websocket: WebSocket):
        members = self.rooms.get(room_id)
        if members is not None:
            members.remove(websocket)
            if not members:
                del self.rooms[room_id]
        self.connections -= 1

    async def broadcast(self, room_id: int, message: str):
        for connection in list(self.rooms.get(room_id, ())):
            try:
                await connection.send_text(message)
            except Exception:
                # the member is going away; its own receive loop cleans up
                pass


manager = ConnectionManager()
auth_connections = 0


@app.get("/api/status")
async def api_status():
    return {
        "connections": manager.connections + auth_connections,
        "rooms": [{"room": r, "members": len(m)} for r, m in manager.rooms.items()],
        "instance": "fastapi",
    }


@app.websocket("/ws/chat/{room_id}")
async def chat(websocket: WebSocket, room_id: int):
    if room_id < 1 or room_id > MAX_ID:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    await manager.connect(room_id, websocket)
    prefix = f"Room {room_id}: "
    try:
        while True:
            data = await websocket.receive_text()
            await manager.broadcast(room_id, prefix + data)
    except WebSocketDisconnect:
        manager.disconnect(room_id, websocket)


@app.websocket("/ws/auth")
async def auth(websocket: WebSocket):
    global auth_connections
    header = websocket.headers.get("authorization", "")
    if not header.startswith("Bearer "):
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    try:
        claims = jwt.decode(header[7:], JWT_SECRET, algorithms=["HS256"],
                            options={"require": ["sub", "exp"]})
    except jwt.PyJWTError:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    await websocket.accept()
    auth_connections += 1
    try:
        await websocket.send_json({"type": "welcome", "user": claims["sub"],
                                   "timestamp": int(time.time() * 1000)})
        while True:
            await websocket.receive_text()
    except WebSocketDisconnect:
        pass
    finally:
        auth_connections -= 1
