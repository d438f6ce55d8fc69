#!/usr/bin/env node
// A stand-in for Roomcast, for working on the demo page without building the server:
//   node mock-server.mjs [port] [--heartbeat=2] [--no-dev]
// It serves webapp/ and speaks a small part of docs/PROTOCOL.md (welcome, join, leave,
// message and its ack, presence, ping, heartbeat, errors, /ws/status), as a server with room
// streams off (no epochs, offsets or history). Tokens are fake, not JWTs.
// It is a development aid only: the real end-to-end test runs against Payara Micro.
// No dependencies: a minimal RFC 6455 server (text frames, close, ping/pong) is below.
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const port = Number(args.find((a) => /^\d+$/.test(a)) || 18180);
const heartbeatS = Number((args.find((a) => a.startsWith('--heartbeat=')) || '--heartbeat=30').split('=')[1]);
const devMode = !args.includes('--no-dev');
const webapp = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../webapp');

const sessions = new Set();   // { socket, kind, user, rooms:Set, lastSeen }
let guestCounter = 0;
let connId = 0;

// ---------------------------------------------------------------- WebSocket framing
function sendFrame(socket, opcode, payload) {
  if (socket.destroyed) return;
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload || '');
  let header;
  if (data.length < 126) header = Buffer.from([0x80 | opcode, data.length]);
  else if (data.length < 65536) { header = Buffer.alloc(4); header[0] = 0x80 | opcode; header[1] = 126; header.writeUInt16BE(data.length, 2); }
  else { header = Buffer.alloc(10); header[0] = 0x80 | opcode; header[1] = 127; header.writeBigUInt64BE(BigInt(data.length), 2); }
  socket.write(Buffer.concat([header, data]));
}
const sendJson = (s, obj) => sendFrame(s.socket, 1, JSON.stringify(obj));
function closeSession(s, code, reason) {
  s.closing = true;
  const body = Buffer.alloc(2 + Buffer.byteLength(reason));
  body.writeUInt16BE(code, 0); body.write(reason, 2);
  sendFrame(s.socket, 8, body);
  setTimeout(() => s.socket.destroy(), 200);
}

function parseFrames(s, chunk) {
  s.buf = Buffer.concat([s.buf, chunk]);
  for (;;) {
    const b = s.buf;
    if (b.length < 2) return;
    const opcode = b[0] & 0x0f; let len = b[1] & 0x7f; let off = 2;
    if (len === 126) { if (b.length < 4) return; len = b.readUInt16BE(2); off = 4; }
    else if (len === 127) { if (b.length < 10) return; len = Number(b.readBigUInt64BE(2)); off = 10; }
    if (b.length < off + 4 + len) return;
    const mask = b.subarray(off, off + 4); const data = Buffer.from(b.subarray(off + 4, off + 4 + len));
    for (let i = 0; i < data.length; i++) data[i] ^= mask[i % 4];
    s.buf = b.subarray(off + 4 + len);
    s.lastSeen = Date.now();
    if (opcode === 1) onText(s, data.toString('utf8'));
    else if (opcode === 8) { if (!s.closing) sendFrame(s.socket, 8, data.subarray(0, 2)); s.socket.end(); }
    else if (opcode === 9) sendFrame(s.socket, 10, data);
  }
}

// ---------------------------------------------------------------- protocol
const members = (room) => [...sessions].filter((x) => x.rooms.has(room));
function broadcastPresence(room, except, event) {
  const count = members(room).length;
  for (const m of members(room)) if (m !== except) sendJson(m, { type: 'presence', room, event, user: except.user, members: count });
}
const isRoom = (v) => Number.isInteger(v) && v >= 1 && v <= 2147483647;
const error = (s, code, message, ref = null) => sendJson(s, { type: 'error', code, message, ref });

function onText(s, text) {
  if (s.kind !== 'realtime') return;
  let f;
  try { f = JSON.parse(text); } catch { return error(s, 'invalid_json', 'only JSON is supported'); }
  const ref = typeof f?.ref === 'string' ? f.ref : null;
  if (!f || typeof f !== 'object' || typeof f.type !== 'string') return error(s, 'invalid_message', 'type missing', ref);
  if (s.allowed && (f.type === 'join') && isRoom(f.room) && !s.allowed.includes(f.room)) return error(s, 'forbidden_room', 'room not allowed', ref);
  switch (f.type) {
    case 'join':
      if (!isRoom(f.room)) return error(s, 'invalid_message', 'room must be an integer', ref);
      if (!s.rooms.has(f.room)) { s.rooms.add(f.room); broadcastPresence(f.room, s, 'join'); }
      sendJson(s, { type: 'joined', room: f.room, members: members(f.room).length, epoch: null, offset: null, recovered: false, missed: 0 });
      statusChanged(); return;
    case 'leave':
      if (!s.rooms.has(f.room)) return error(s, 'not_member', `not a member of room ${f.room}`, ref);
      s.rooms.delete(f.room); sendJson(s, { type: 'left', room: f.room }); broadcastPresence(f.room, s, 'leave'); statusChanged(); return;
    case 'message':
      if (!isRoom(f.room) || typeof f.text !== 'string' || !f.text) return error(s, 'invalid_message', 'room and text required', ref);
      if (!s.rooms.has(f.room)) return error(s, 'not_member', `not a member of room ${f.room}`, ref);
      if (f.text === '/ratelimit') return error(s, 'rate_limited', 'too many frames', ref);
      { // the sender's copy first, then its ack (PROTOCOL 9.3); streams off: no epoch, no offset
        const id = crypto.randomUUID();
        for (const m of members(f.room)) sendJson(m, { type: 'message', room: f.room, id, from: s.user, text: f.text, ref, timestamp: Date.now(), epoch: null, offset: null });
        if (ref) sendJson(s, { type: 'ack', ref, room: f.room, id, epoch: null, offset: null });
      }
      return;
    case 'ping': sendJson(s, { type: 'pong', timestamp: Date.now() }); return;
    default: error(s, 'invalid_message', `unknown type ${f.type}`, ref);
  }
}

function statusFrame() {
  const rooms = new Set([...sessions].flatMap((x) => [...x.rooms]));
  return { type: 'status', connections: sessions.size, rooms: rooms.size, timestamp: Date.now() };
}
let statusTimer = null;
function statusChanged() {
  if (statusTimer) return;
  statusTimer = setTimeout(() => { statusTimer = null; for (const x of sessions) if (x.kind === 'status') sendJson(x, statusFrame()); }, 300);
}

// ---------------------------------------------------------------- HTTP
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png' };
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/api/dev/tokens' && req.method === 'POST') {
    if (!devMode) { res.writeHead(404, { 'content-type': 'application/json' }); return res.end('{"error":"not_found","message":"dev mode is off"}'); }
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const { user, rooms } = JSON.parse(body || '{}');
      const token = 'mock.' + Buffer.from(JSON.stringify({ sub: user, rooms })).toString('base64url');
      res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ token, user }));
    });
    return;
  }
  if (url.pathname === '/api/status') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ connections: sessions.size, rooms: [], instance: 'mock' }));
  }
  const file = path.join(webapp, url.pathname === '/' ? 'index.html' : path.normalize(url.pathname));
  if (!file.startsWith(webapp) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) { res.writeHead(404); return res.end('not found'); }
  res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});

server.on('upgrade', (req, socket) => {
  const url = new URL(req.url, 'http://x');
  const kind = { '/ws/realtime': 'realtime', '/ws/status': 'status' }[url.pathname];
  if (!kind) { socket.end('HTTP/1.1 404 Not Found\r\n\r\n'); return; }
  const accept = crypto.createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  let user = `guest-${++guestCounter}`; let allowed = null;
  const token = url.searchParams.get('access_token');
  if (token && token.startsWith('mock.')) {
    const claims = JSON.parse(Buffer.from(token.slice(5), 'base64url').toString());
    user = claims.sub; allowed = claims.rooms || null;
  }
  const s = { socket, kind, user, allowed, rooms: new Set(), buf: Buffer.alloc(0), lastSeen: Date.now() };
  sessions.add(s);
  socket.on('data', (c) => parseFrames(s, c));
  const gone = () => {
    if (!sessions.delete(s)) return;
    for (const room of s.rooms) { s.rooms.delete(room); for (const m of members(room)) sendJson(m, { type: 'presence', room, event: 'leave', user: s.user, members: members(room).length }); }
    statusChanged();
  };
  socket.on('close', gone); socket.on('error', gone);
  if (kind === 'realtime') sendJson(s, { type: 'welcome', connectionId: `c${++connId}`, user, clientId: null, address: socket.remoteAddress, heartbeatInterval: heartbeatS, timestamp: Date.now(), expiresAt: null });
  else sendJson(s, statusFrame());
  statusChanged();
});

setInterval(() => { for (const s of sessions) sendJson(s, { type: 'heartbeat', timestamp: Date.now() }); }, heartbeatS * 1000).unref();

function shutdown() {
  for (const s of sessions) closeSession(s, 1001, 'server shutting down');
  setTimeout(() => process.exit(0), 300);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
server.listen(port, '127.0.0.1', () => console.log(`mock roomcast on http://127.0.0.1:${port}/ (heartbeat ${heartbeatS}s, dev ${devMode})`));
