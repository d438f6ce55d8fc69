/**
 * roomcast.js: a client for Roomcast's JSON WebSocket protocol (PROTOCOL v2), for browsers and Node.
 * One ES module, no dependencies; served by Roomcast at `/roomcast.js`; types in `roomcast.d.ts`.
 *
 *   import { connect } from '/roomcast.js';
 *   const rc = connect('/ws/auth', { tokenProvider: async () => (await fetchToken()).token });
 *   rc.on('message', (m) => console.log(m.room, m.from, m.text));
 *   await rc.join(7);
 *   const ack = await rc.publish(7, 'hello');   // { ref, id, epoch, offset }
 *
 * What it does for you:
 * - Token: `token` (a string) or `tokenProvider` (an async function returning a fresh one), sent as
 *   the `access_token` query parameter (a browser cannot set headers). With a provider the token is
 *   refreshed on the live connection (`refresh` frame) before the `expiresAt` of `welcome`: halfway
 *   through its remaining life, or `refreshAheadMs` (30 s) before it, whichever comes later.
 * - Reconnect: after every unplanned close, with capped exponential backoff and jitter. The n-th
 *   attempt in a row waits a random time between half and all of
 *   10, 50, 100, 150, 200, 250, 500, 1000, 2000, 5000, 5000 ... ms (5 s cap; `backoff` option).
 *   The count starts again only after a connection that stayed up 10 s, so a server that accepts
 *   and then closes at once cannot cause a tight loop.
 * - It stops for good (state `closed`, event `stopped` with `code`, `reason` and, when known, the
 *   HTTP `status`) on: close 1008 (policy; but "token expired" reconnects when a provider can give
 *   a fresh token), a handshake refused with 400, 401 or 403 (401 with a provider: one more try
 *   with a fresh token first). 429, 404 and 5xx (a server restarting answers those for a while)
 *   and everything else is retried. A browser's WebSocket
 *   only reports a refused handshake as an abnormal close (1006), so after a socket that never
 *   opened the client asks the server whether the token is accepted (`GET /api/rooms/1/history`
 *   with the token as Bearer, with `fetch`): a 401 there is taken as the handshake's refusal.
 *   Other refusals (403 origin/room/client, 400) cannot be seen from a browser and are retried.
 *   With the `ws` package (Node) the handshake's status is read from its error and used directly.
 * - Rooms: every joined room is joined again after a reconnect with `since` = the last
 *   (epoch, offset) delivered, so the server replays what was missed (PROTOCOL 9.1); the `joined`
 *   event says per room `recovered`, `missed` and `reason` (`rejoin: true`), and the `since` it
 *   asked from. Messages are de-duplicated by (epoch, offset): the app never sees one twice. When
 *   recovery fails (`reason` epoch_changed, unknown_position, too_old, disabled), page the gap with
 *   `history()` if needed: it lies after `since` (same epoch) and up to the reply's `offset`.
 * - Publishes: `publish(room, text)` sends a `ref` (generated, at most 64 characters) and resolves
 *   with the server's `ack`. Unacknowledged publishes are sent again after a reconnect with the
 *   same `ref`: the server de-duplicates them, so an authenticated user's publish lands exactly once
 *   (guests get acks but no de-duplication: a resend after a lost ack may publish twice). A frame
 *   above `maxFrameBytes` (65536, the server's default `roomcast.limits.max-text`) is refused here:
 *   the server would close the connection with 1009, and the resend would do it again.
 * - Liveness: the server's WebSocket pings are answered by the WebSocket implementation itself
 *   (browsers and `ws` send the pong), which is all the server needs (PROTOCOL 4); no JSON reply to
 *   `heartbeat` is needed. After 1.5 heartbeat intervals of silence the client sends one `ping`;
 *   after 2.5 it declares the connection dead, drops it (client code 4000, "heartbeat missed") and
 *   reconnects. `reconnectNow()` skips what is left of a backoff wait (a "Retry now" button, the
 *   browser's `online` event).
 *
 * Events (`on(name, listener)` returns a function that removes the listener): `state` ({state,
 * previous}: connecting, open, reconnecting, closed), `welcome`, `message`, `presence`, `direct`,
 * `joined`, `left`, `refreshed`, `heartbeat` (each server heartbeat: a sign of life an app can
 * show), `error` (server error frames, and client-side problems with `code` such as
 * refresh_failed), `disconnect` ({code, reason, retry, delay}), `stopped`.
 */

/** Phoenix's schedule: quick first retries for a blip, then one attempt every 5 s at most. */
export const DEFAULT_BACKOFF_MS = Object.freeze([10, 50, 100, 150, 200, 250, 500, 1000, 2000, 5000]);

const STABLE_AFTER_MS = 10000;
const DEFAULT_HEARTBEAT_S = 30;
const PROBE_AFTER_INTERVALS = 1.5;
const DEAD_AFTER_INTERVALS = 2.5;
/** A socket that opened but sent no welcome in this time is as good as dead. */
const FIRST_FRAME_TIMEOUT_MS = 10000;
const CODE_HEARTBEAT_MISSED = 4000;
const MAX_REF = 64;
/** setTimeout's limit (about 24.8 days); a longer wait is taken in steps. */
const MAX_TIMER_MS = 2147483647;
/** Refusals that the same request will meet again. Not 404 or 5xx: a server being (re)deployed answers those for a while. */
const FINAL_STATUSES = new Set([400, 401, 403]);

/** An error from the server (`code` as on the wire) or from this client. */
export class RoomcastError extends Error {
  constructor(code, message, detail) {
    super(message || code);
    this.name = 'RoomcastError';
    this.code = code;
    if (detail !== undefined) this.detail = detail;
  }
}

/** Creates a client and starts connecting. */
export function connect(url, options) {
  return new RoomcastClient(url, options);
}

export class RoomcastClient {
  constructor(url, options = {}) {
    if (!options.token && typeof options.tokenProvider !== 'function' && options.anonymous !== true && !isRealtime(url)) {
      // /ws/auth and /ws/secure refuse a handshake without credentials: say so now, not as a 401 later.
      throw new RoomcastError('missing_credentials', 'give a token or a tokenProvider (or anonymous: true)');
    }
    this.url = url;
    this.options = options;
    this.WebSocketImpl = options.WebSocket || globalThis.WebSocket;
    if (typeof this.WebSocketImpl !== 'function') {
      throw new RoomcastError('no_websocket', 'no global WebSocket here: pass one as options.WebSocket (e.g. the ws package)');
    }
    this.backoff = options.backoff || DEFAULT_BACKOFF_MS;
    this.maxFrameBytes = options.maxFrameBytes || 65536;
    this.refreshAheadMs = options.refreshAheadMs ?? 30000;
    this.listeners = new Map();
    /** room -> { epoch, offset, joined, waiters: [] } for every room the app wants to be in. */
    this.rooms = new Map();
    /** ref -> pending request: publishes and history, resent on every new connection until answered. */
    this.pending = new Map();
    this.refPrefix = randomId();
    this.refCount = 0;
    this.token = options.token || null;
    this.tokenFresh = false;
    this.expiresAt = null;
    this.clockOffset = 0;
    this.attempt = 0;
    this.state = 'connecting';
    this.ws = null;
    this.timers = new Set();
    /** The backoff wait before the next attempt, while there is one (reconnectNow skips it). */
    this.retryTimer = null;
    this.welcome = null;
    this.open();
  }

  // ---------------------------------------------------------------- public API

  on(name, listener) {
    if (!this.listeners.has(name)) this.listeners.set(name, new Set());
    this.listeners.get(name).add(listener);
    return () => this.off(name, listener);
  }

  off(name, listener) {
    this.listeners.get(name)?.delete(listener);
  }

  /** Joins the room (now, and again after every reconnect); resolves with the `joined` reply. */
  join(room) {
    if (this.state === 'closed') return Promise.reject(new RoomcastError('closed', 'the client is closed'));
    const entry = this.rooms.get(room) || { epoch: null, offset: null, joined: false, waiters: [] };
    this.rooms.set(room, entry);
    return new Promise((resolve, reject) => {
      entry.waiters.push({ resolve, reject });
      if (this.isOpen()) this.sendJoin(room, entry);
    });
  }

  /** Leaves the room: no more rejoins. Resolves with the `left` reply (or at once when offline). */
  leave(room) {
    const entry = this.rooms.get(room);
    this.rooms.delete(room);
    if (entry) rejectAll(entry.waiters, new RoomcastError('left', `left room ${room}`));
    if (!this.isOpen()) return Promise.resolve({ type: 'left', room });
    const ref = this.nextRef();
    return this.request(ref, { type: 'leave', room, ref }, { resend: false });
  }

  /** Publishes; resolves with the `ack` ({ref, room, id, epoch, offset}), rejects on an error frame. */
  publish(room, text, { ref } = {}) {
    ref = ref || this.nextRef();
    if (typeof ref !== 'string' || ref.length > MAX_REF) {
      return Promise.reject(new RoomcastError('invalid_message', `ref must be a string of 1-${MAX_REF} characters`));
    }
    const frame = { type: 'message', room, text, ref };
    if (utf8Length(JSON.stringify(frame)) > this.maxFrameBytes) {
      return Promise.reject(new RoomcastError('too_big', `the message is larger than ${this.maxFrameBytes} bytes`));
    }
    return this.request(ref, frame, { resend: true });
  }

  /**
   * PROTOCOL 9.2: `since` ({epoch, offset}) and `limit` optional; resolves with the `history` answer.
   * The room must be joined (13.4: else it rejects with `not_member`). An answer holds at most
   * `roomcast.history.answer-bytes` of JSON (13.1): when `complete` is false, ask again with `since`
   * = the last message's position to page on.
   */
  history(room, { since, limit } = {}) {
    const ref = this.nextRef();
    const frame = { type: 'history', room, ref };
    if (since) frame.since = { epoch: since.epoch, offset: since.offset };
    if (limit !== undefined) frame.limit = limit;
    return this.request(ref, frame, { resend: true });
  }

  /**
   * A direct message to a `/ws/secure` client id: fire and forget, not resent (false: not connected
   * now, nothing sent); a `not_found` comes as an `error` event.
   */
  direct(to, text) {
    return this.send({ type: 'direct', to, text });
  }

  /** The last (epoch, offset) the app saw in the room, or null. */
  position(room) {
    const entry = this.rooms.get(room);
    return entry && entry.epoch !== null ? { epoch: entry.epoch, offset: entry.offset } : null;
  }

  /**
   * Skips what is left of the backoff wait and tries now. False when there is no wait to skip
   * (connected, an attempt under way, or closed).
   */
  reconnectNow() {
    if (this.state !== 'reconnecting' || this.retryTimer === null) return false;
    clearTimeout(this.retryTimer);
    this.timers.delete(this.retryTimer);
    this.retryTimer = null;
    this.open();
    return true;
  }

  /** Closes for good: no reconnect; pending promises are rejected. */
  close() {
    this.stop(1000, 'closed by the client', undefined, false);
  }

  // ---------------------------------------------------------------- connection

  isOpen() {
    return this.state === 'open';
  }

  setState(state) {
    if (state === this.state) return;
    const previous = this.state;
    this.state = state;
    this.emit('state', { state, previous });
  }

  async open() {
    this.setState(this.attempt === 0 && !this.welcome ? 'connecting' : 'reconnecting');
    let token;
    try {
      token = await this.currentToken();
    } catch (e) {
      this.emit('error', new RoomcastError('token_failed', `the token provider failed: ${e && e.message}`, e));
      return this.retry(1006, 'no token');
    }
    if (this.state === 'closed') return;
    let ws;
    try {
      ws = new this.WebSocketImpl(this.socketUrl(token));
    } catch (e) {
      return this.stop(1006, `cannot open a WebSocket: ${e && e.message}`);
    }
    this.ws = ws;
    const conn = { ws, opened: false, openedAt: 0, lastFrameAt: Date.now(), probed: false, httpStatus: null, token };
    this.conn = conn;
    ws.onopen = () => {
      conn.opened = true;
      conn.openedAt = Date.now();
      conn.lastFrameAt = Date.now();
    };
    ws.onmessage = (event) => this.onFrame(conn, event.data);
    ws.onerror = (event) => {
      // ws (Node) says "Unexpected server response: 401" for a refused handshake; browsers say nothing.
      const text = String((event && (event.message || (event.error && event.error.message))) || '');
      const match = /Unexpected server response: (\d{3})/.exec(text);
      if (match) conn.httpStatus = Number(match[1]);
    };
    ws.onclose = (event) => this.onClose(conn, event.code, event.reason || '');
    this.startWatchdog(conn);
  }

  async currentToken() {
    if (typeof this.options.tokenProvider !== 'function') {
      this.tokenFresh = false;
      return this.token;
    }
    const stale = !this.token || (this.expiresAt !== null && this.expiresAt - this.serverNow() < this.refreshAheadMs);
    if (stale) {
      this.token = await this.options.tokenProvider();
      this.tokenFresh = true;
    } else {
      this.tokenFresh = false;
    }
    return this.token;
  }

  socketUrl(token) {
    let base = this.url;
    if (typeof location !== 'undefined' && !/^wss?:|^https?:/.test(base)) {
      base = new URL(base, location.href).toString();
    }
    const url = new URL(base.replace(/^http/, 'ws'));
    if (token) url.searchParams.set('access_token', token);
    return url.toString();
  }

  onClose(conn, code, reason) {
    if (conn !== this.conn) return; // a socket we already gave up on
    this.stopWatchdog(conn);
    this.conn = null;
    this.ws = null;
    this.forgetJoins();
    if (this.state === 'closed') return;
    if (!conn.opened) return this.onRefused(conn, code, reason);
    if (Date.now() - conn.openedAt >= STABLE_AFTER_MS) this.attempt = 0;
    if (code === 1008) {
      if (/token expired/i.test(reason) && typeof this.options.tokenProvider === 'function') {
        this.token = null; // the next attempt asks the provider
        return this.retry(code, reason);
      }
      return this.stop(code, reason);
    }
    this.retry(code, reason);
  }

  /** The socket never opened: a network failure, or a refused handshake (which browsers hide). */
  async onRefused(conn, code, reason) {
    let status = conn.httpStatus;
    if (status === null && conn.token) status = await this.probeToken(conn.token);
    if (this.state === 'closed') return;
    if (status === 401 && typeof this.options.tokenProvider === 'function' && !this.tokenFresh) {
      this.token = null; // a cached token went bad: one more try with a fresh one
      return this.retry(code, reason || 'handshake refused: 401', 401);
    }
    if (status !== null && FINAL_STATUSES.has(status)) {
      return this.stop(code, reason || `handshake refused: ${status}`, status);
    }
    this.retry(code, reason || (status ? `handshake refused: ${status}` : 'could not connect'), status ?? undefined);
  }

  /** Whether the server takes the token, asked over HTTP: 401 or null (unknown, or accepted). */
  async probeToken(token) {
    if (this.options.probe === false || typeof fetch !== 'function') return null;
    try {
      const url = new URL(this.socketUrl(null).replace(/^ws/, 'http'));
      url.pathname = url.pathname.replace(/\/ws\/.*$/, '/api/rooms/1/history');
      url.search = '?limit=1';
      const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
      return response.status === 401 ? 401 : null;
    } catch {
      return null;
    }
  }

  retry(code, reason, status) {
    if (this.state === 'closed') return;
    const step = this.backoff[Math.min(this.attempt, this.backoff.length - 1)];
    this.attempt += 1;
    const delay = Math.round(step / 2 + Math.random() * (step / 2));
    this.setState('reconnecting');
    this.emit('disconnect', { code, reason, status, retry: true, delay, attempt: this.attempt });
    this.retryTimer = this.later(() => {
      this.retryTimer = null;
      this.open();
    }, delay);
  }

  stop(code, reason, status, emitStopped = true) {
    if (this.state === 'closed') return;
    this.setState('closed');
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.retryTimer = null;
    const conn = this.conn;
    this.conn = null;
    this.ws = null;
    if (conn) {
      this.stopWatchdog(conn);
      closeSocket(conn.ws, code === 1000 ? 1000 : 4001, 'closed by the client');
    }
    const error = new RoomcastError('closed', reason || 'the client is closed', { code, status });
    for (const request of this.pending.values()) request.reject(error);
    this.pending.clear();
    for (const entry of this.rooms.values()) rejectAll(entry.waiters, error);
    if (emitStopped) {
      this.emit('disconnect', { code, reason, status, retry: false });
      this.emit('stopped', { code, reason, status });
    }
  }

  later(fn, ms) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, Math.min(ms, MAX_TIMER_MS));
    this.timers.add(timer);
    return timer;
  }

  // ---------------------------------------------------------------- liveness

  startWatchdog(conn) {
    conn.watchdog = setInterval(() => this.checkPulse(conn), 250);
  }

  stopWatchdog(conn) {
    clearInterval(conn.watchdog);
  }

  checkPulse(conn) {
    const silent = Date.now() - conn.lastFrameAt;
    const intervalMs = ((this.welcome && conn.welcomed && this.welcome.heartbeatInterval) || DEFAULT_HEARTBEAT_S) * 1000;
    if (!conn.welcomed && silent > FIRST_FRAME_TIMEOUT_MS) {
      this.declareDead(conn, 'no welcome from the server');
    } else if (conn.welcomed && silent > DEAD_AFTER_INTERVALS * intervalMs) {
      this.declareDead(conn, 'heartbeat missed');
    } else if (conn.welcomed && !conn.probed && silent > PROBE_AFTER_INTERVALS * intervalMs) {
      conn.probed = true;
      this.send({ type: 'ping' });
    }
  }

  /** The socket may still look open, but nothing comes: forget it first, then reconnect. */
  declareDead(conn, reason) {
    const opened = conn.opened;
    conn.opened = true; // a socket given up on is not a refused handshake
    if (!opened) conn.openedAt = Date.now();
    this.stopWatchdog(conn);
    this.conn = null;
    this.ws = null;
    this.forgetJoins();
    closeSocket(conn.ws, CODE_HEARTBEAT_MISSED, reason);
    this.retry(CODE_HEARTBEAT_MISSED, reason);
  }

  // ---------------------------------------------------------------- frames

  send(frame) {
    if (!this.ws || !this.isOpen()) return false;
    try {
      this.ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false; // closing: the close event follows and the frame is resent if it must be
    }
  }

  nextRef() {
    this.refCount += 1;
    return `${this.refPrefix}-${this.refCount.toString(36)}`;
  }

  request(ref, frame, { resend }) {
    return new Promise((resolve, reject) => {
      if (this.state === 'closed') return reject(new RoomcastError('closed', 'the client is closed'));
      if (this.pending.has(ref)) return reject(new RoomcastError('duplicate_ref', `ref ${ref} is already pending`));
      this.pending.set(ref, { frame, resolve, reject, resend, seq: this.refCount });
      this.send(frame);
    });
  }

  settle(ref, ok, value) {
    const request = ref !== null && ref !== undefined ? this.pending.get(ref) : undefined;
    if (!request) return false;
    this.pending.delete(ref);
    if (ok) request.resolve(value);
    else request.reject(value);
    return true;
  }

  sendJoin(room, entry) {
    const frame = { type: 'join', room, ref: this.nextRef() };
    entry.joinRef = frame.ref;
    if (entry.epoch !== null) frame.since = { epoch: entry.epoch, offset: entry.offset };
    // Kept for the `joined` event: a failed recovery's gap starts there.
    entry.asked = frame.since || null;
    this.send(frame);
  }

  /** A connection ended: every room must be joined again on the next one. */
  forgetJoins() {
    for (const entry of this.rooms.values()) entry.joined = false;
  }

  onFrame(conn, data) {
    if (conn !== this.conn) return;
    conn.lastFrameAt = Date.now();
    conn.probed = false;
    let frame;
    try {
      frame = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
    } catch {
      return this.emit('error', new RoomcastError('invalid_json', 'the server sent a frame that is not JSON'));
    }
    switch (frame.type) {
      case 'welcome': return this.onWelcome(conn, frame);
      case 'joined': return this.onJoined(frame);
      case 'message': return this.onMessage(frame);
      case 'ack': return this.settle(frame.ref, true, frame);
      case 'history': return this.settle(frame.ref, true, frame) || this.emit('history', frame);
      case 'refreshed': return this.onRefreshed(frame);
      case 'left': return this.onLeft(frame);
      case 'error': return this.onError(frame);
      case 'presence': return this.emit('presence', frame);
      case 'direct': return this.emit('direct', frame);
      case 'heartbeat':
        this.noteServerTime(frame.timestamp);
        return this.emit('heartbeat', frame);
      case 'pong':
        return this.noteServerTime(frame.timestamp);
      default: return this.emit('frame', frame);
    }
  }

  onWelcome(conn, frame) {
    conn.welcomed = true;
    this.welcome = frame;
    this.noteServerTime(frame.timestamp);
    this.expiresAt = frame.expiresAt ?? null;
    this.setState('open');
    this.emit('welcome', frame);
    // Joins first, then the unanswered requests in the order they were made: the server handles
    // a connection's frames in order, so every resent publish finds its room joined.
    for (const [room, entry] of this.rooms) this.sendJoin(room, entry);
    const requests = [...this.pending.entries()].sort((a, b) => a[1].seq - b[1].seq);
    for (const [ref, request] of requests) {
      if (request.resend) this.send(request.frame);
      else this.settle(ref, false, new RoomcastError('disconnected', 'the connection closed before the answer'));
    }
    this.scheduleRefresh();
  }

  onJoined(frame) {
    const entry = this.rooms.get(frame.room);
    if (!entry) return; // left meanwhile
    const rejoin = entry.epoch !== null || entry.wasJoined === true;
    const since = entry.asked ?? null;
    if (!frame.recovered || entry.epoch !== frame.epoch) {
      // Not recovered: live messages follow from the reply's offset + 1.
      entry.epoch = frame.epoch ?? null;
      entry.offset = frame.offset ?? null;
    }
    entry.joined = true;
    entry.wasJoined = true;
    const event = {
      room: frame.room, members: frame.members, epoch: frame.epoch ?? null, offset: frame.offset ?? null,
      recovered: frame.recovered === true, missed: frame.missed ?? 0, reason: frame.reason ?? null, rejoin, since,
    };
    const waiters = entry.waiters;
    entry.waiters = [];
    this.emit('joined', event);
    for (const waiter of waiters) waiter.resolve(event);
  }

  onMessage(frame) {
    const entry = this.rooms.get(frame.room);
    if (entry && frame.epoch !== null && frame.epoch !== undefined && typeof frame.offset === 'number') {
      if (entry.epoch === frame.epoch && entry.offset !== null && frame.offset <= entry.offset) return; // seen
      entry.epoch = frame.epoch;
      entry.offset = frame.offset;
    }
    this.emit('message', frame);
  }

  onLeft(frame) {
    // The reply to leave() carries no ref: it is matched by room.
    const asked = [...this.pending].find(([, r]) => r.frame.type === 'leave' && r.frame.room === frame.room);
    if (asked && !frame.reason) {
      this.settle(asked[0], true, frame);
      return this.emit('left', frame);
    }
    const entry = this.rooms.get(frame.room);
    if (frame.reason) {
      // The server took us out (a refreshed token no longer allows the room): no rejoin.
      this.rooms.delete(frame.room);
      if (entry) rejectAll(entry.waiters, new RoomcastError(frame.reason, `left room ${frame.room}: ${frame.reason}`));
    }
    this.emit('left', frame);
  }

  onError(frame) {
    const error = new RoomcastError(frame.code, frame.message, frame);
    if (this.settle(frame.ref, false, error)) return;
    for (const [room, entry] of this.rooms) {
      if (frame.ref !== null && entry.joinRef === frame.ref) {
        // A join refused (forbidden_room, too_many_rooms): the room is not ours to rejoin.
        this.rooms.delete(room);
        rejectAll(entry.waiters, error);
        break;
      }
    }
    this.emit('error', error);
  }

  // ---------------------------------------------------------------- token refresh

  noteServerTime(timestamp) {
    if (typeof timestamp === 'number') this.clockOffset = timestamp - Date.now();
  }

  serverNow() {
    return Date.now() + this.clockOffset;
  }

  scheduleRefresh() {
    clearTimeout(this.refreshTimer);
    this.timers.delete(this.refreshTimer);
    if (this.expiresAt === null || typeof this.options.tokenProvider !== 'function') return;
    const remaining = this.expiresAt - this.serverNow();
    const delay = Math.max(0, Math.max(remaining - this.refreshAheadMs, remaining / 2));
    const conn = this.conn;
    this.refreshTimer = this.later(() => this.refresh(conn), delay);
  }

  async refresh(conn) {
    if (conn !== this.conn || !this.isOpen()) return;
    try {
      const token = await this.options.tokenProvider();
      if (conn !== this.conn) return;
      const ref = this.nextRef();
      const reply = await this.request(ref, { type: 'refresh', token, ref }, { resend: false });
      this.token = token;
      this.expiresAt = reply.expiresAt;
      this.emit('refreshed', reply);
    } catch (e) {
      if (conn !== this.conn) return;
      this.emit('error', new RoomcastError('refresh_failed', `token refresh failed: ${e && e.message}`, e));
      // Try again later: the server keeps the old token until it expires (PROTOCOL 10).
      const remaining = this.expiresAt - this.serverNow();
      if (remaining > 1000) this.refreshTimer = this.later(() => this.refresh(conn), remaining / 2);
      return;
    }
    this.scheduleRefresh();
  }

  onRefreshed(frame) {
    this.settle(frame.ref, true, frame);
  }

  emit(name, value) {
    for (const listener of [...(this.listeners.get(name) || [])]) {
      try {
        listener(value);
      } catch (e) {
        // A listener's bug must not break the connection; report it where it can be seen.
        setTimeout(() => { throw e; });
      }
    }
  }
}

function isRealtime(url) {
  return /\/ws\/realtime(\?|$)/.test(String(url));
}

function rejectAll(waiters, error) {
  for (const waiter of waiters.splice(0)) waiter.reject(error);
}

function closeSocket(ws, code, reason) {
  // No-op handlers rather than none: ws (Node) throws an 'error' event that nobody listens to.
  ws.onopen = ws.onmessage = ws.onerror = ws.onclose = () => {};
  try {
    if (typeof ws.terminate === 'function') ws.terminate(); // ws: no closing handshake with a dead peer
    else ws.close(code, reason);
  } catch {
    // already closed
  }
}

function utf8Length(text) {
  return new TextEncoder().encode(text).length;
}

function randomId() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID().replace(/-/g, '').slice(0, 16);
  return Math.random().toString(36).slice(2, 12) + Date.now().toString(36);
}
