'use strict';
// Peer: the /ws/chat/{roomId} contract of Roomcast written the way the `ws`
// package documents it (http server + WebSocketServer({ noServer: true }),
// 'upgrade' routing, broadcast by iterating the room's clients, ping/pong
// liveness as in the README's "How to detect and close broken connections").
//
// Also serves GET /api/status (readiness probe) and /ws/auth (HS256 JWT in the
// Authorization: Bearer header, verified with jsonwebtoken) for the handshake
// scenario. Settings via env: PORT (default 18082), HOST (127.0.0.1),
// HEARTBEAT_INTERVAL seconds (30), JWT_SECRET (or ROOMCAST_JWT_SECRET).

const http = require('http');
const { WebSocketServer, WebSocket } = require('ws');
const jwt = require('jsonwebtoken');

const PORT = Number(process.env.PORT || 18082);
const HOST = process.env.HOST || '127.0.0.1';
const HEARTBEAT_MS = Number(process.env.HEARTBEAT_INTERVAL || 30) * 1000;
const JWT_SECRET = process.env.JWT_SECRET || process.env.ROOMCAST_JWT_SECRET || '';
const MAX_ID = 2147483647;

/** roomId -> Set<WebSocket> */
const rooms = new Map();

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/api/status') {
    const list = [];
    for (const [room, members] of rooms) list.push({ room, members: members.size });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ connections: wss.clients.size, rooms: list, instance: 'node-ws' }));
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"error":"not_found","message":"no such resource"}');
});

const wss = new WebSocketServer({ noServer: true, clientTracking: true });

function refuse(socket, status, code, message) {
  const body = JSON.stringify({ error: code, message });
  socket.write(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body
  );
  socket.destroy();
}

server.on('upgrade', (req, socket, head) => {
  const path = req.url.split('?')[0];
  const chat = /^\/ws\/chat\/(\d{1,10})$/.exec(path);
  if (chat) {
    const roomId = Number(chat[1]);
    if (roomId < 1 || roomId > MAX_ID) return refuse(socket, 400, 'invalid_parameter', 'room id must be in 1..2147483647');
    wss.handleUpgrade(req, socket, head, (ws) => joinChat(ws, roomId));
    return;
  }
  if (path === '/ws/auth') {
    const auth = req.headers.authorization || '';
    if (!auth.startsWith('Bearer ')) return refuse(socket, 401, 'missing_credentials', 'bearer token required');
    let claims;
    try {
      claims = jwt.verify(auth.slice(7), JWT_SECRET, { algorithms: ['HS256'] });
      if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') throw new Error('sub/exp required');
    } catch (e) {
      return refuse(socket, 401, 'invalid_credentials', 'invalid token');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      track(ws);
      ws.send(JSON.stringify({ type: 'welcome', user: claims.sub, timestamp: Date.now() }));
    });
    return;
  }
  refuse(socket, 404, 'not_found', 'no such endpoint');
});

function track(ws) {
  ws.isAlive = true;
  ws.on('pong', heartbeat);
  ws.on('error', () => {});
}

function heartbeat() {
  this.isAlive = true;
}

function joinChat(ws, roomId) {
  track(ws);
  let members = rooms.get(roomId);
  if (!members) rooms.set(roomId, (members = new Set()));
  members.add(ws);
  const prefix = `Room ${roomId}: `;
  ws.on('message', (data, isBinary) => {
    ws.isAlive = true;
    if (isBinary) {
      for (const client of members) if (client.readyState === WebSocket.OPEN) client.send(data, { binary: true });
      return;
    }
    const out = prefix + data.toString();
    for (const client of members) if (client.readyState === WebSocket.OPEN) client.send(out);
  });
  ws.on('close', () => {
    members.delete(ws);
    if (members.size === 0 && rooms.get(roomId) === members) rooms.delete(roomId);
  });
}

const interval = setInterval(() => {
  for (const ws of wss.clients) {
    if (ws.isAlive === false) {
      ws.terminate();
      continue;
    }
    ws.isAlive = false;
    ws.ping();
  }
}, HEARTBEAT_MS);

wss.on('close', () => clearInterval(interval));

function shutdown() {
  clearInterval(interval);
  for (const ws of wss.clients) ws.close(1001, 'server shutting down');
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

server.listen(PORT, HOST, 1024, () => {
  console.log(`node-ws peer listening on http://${HOST}:${PORT}`);
});
