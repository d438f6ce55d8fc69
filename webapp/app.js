/*
 * Roomcast demo chat: the reference browser client.
 *
 * It speaks the JSON protocol of /ws/realtime (docs/PROTOCOL.md) and follows
 * /ws/status. Read it top to bottom:
 *   1. settings          - the numbers a client has to choose
 *   2. Link              - one WebSocket that stays up: heartbeat watchdog,
 *                          reconnect with capped exponential backoff and jitter
 *   3. words for users   - close codes and error codes in plain language
 *   4. chat session      - welcome, rooms, messages, presence, rejoin with `since`,
 *                          recovery notices and the history button
 *   5. status panel      - /ws/status
 *   6. the page          - DOM rendering and the forms
 *
 * Where the page is in each room's stream (offsets, epochs, what was shown
 * already) is kept by streams.js, which knows nothing of the page.
 *
 * No framework, no build step: what you read is what the browser runs.
 */
'use strict';

(function roomcastDemo() {
  // ---------------------------------------------------------------- 1. settings

  /** First retry after about this long; each failure doubles it... */
  const BACKOFF_BASE_MS = 500;
  /** ...up to this cap, so a long outage costs one attempt every few seconds, not a storm. */
  const BACKOFF_CAP_MS = 10000;
  /** The server sends a heartbeat every `heartbeatInterval` s (from the welcome frame).
   *  Missing a couple may be a busy network; 2.5 intervals of silence means the link is dead
   *  even if the browser has not noticed (a vanished peer can take minutes to time out in TCP). */
  const DEAD_AFTER_INTERVALS = 2.5;
  /** After 1.5 silent intervals we send one ping: a cheap question that gets an answer
   *  (pong) from a live server, and tells the server we are alive too. */
  const PROBE_AFTER_INTERVALS = 1.5;
  /** A connection that lasted this long was a success: the next failure starts the backoff afresh.
   *  (Resetting on every welcome would let a server that greets and then closes us cause a tight loop.) */
  const STABLE_AFTER_MS = 10000;
  /** Until the server tells us its interval, assume the protocol's default. */
  const DEFAULT_HEARTBEAT_S = 30;
  /** A socket that opened but never sent its first frame is as good as dead. */
  const FIRST_FRAME_TIMEOUT_MS = 10000;
  /** The server closes with 1009 above roomcast.limits.max-text (default 65536 bytes);
   *  checking before sending turns a lost connection into a friendly message. */
  const MAX_FRAME_BYTES = 65536;
  /** A token request that hangs (server frozen, network gone) must not stall reconnecting. */
  const TOKEN_TIMEOUT_MS = 10000;
  /** Close code we use when the watchdog gives up on a silent socket (4000-4999 belong to applications). */
  const CODE_WENT_QUIET = 4000;
  /** Keep the page light during long sessions. */
  const MAX_LOG_ENTRIES = 500;
  /** The server's rule for dev-token user names (POST /api/dev/tokens answers 400 otherwise). */
  const NAME_PATTERN = /^[\p{L}\p{N}._@-]{1,64}$/u;
  const ROOM_MIN = 1;
  const ROOM_MAX = 2147483647;
  /** A message `ref` the server de-duplicates for a user and room within its TTL (PROTOCOL 9.3):
   *  a page reloaded by the same user must not reuse the previous load's refs, or its first
   *  messages would be taken for resends and never published. */
  const PAGE_REF_PREFIX = Math.random().toString(36).slice(2, 10);

  // ---------------------------------------------------------------- 2. Link

  /**
   * One WebSocket the page wants kept open. It owns the socket, and nothing else:
   * what the frames mean is the caller's business (onFrame), as is deciding
   * when the link is truly usable (call ready(), e.g. on the welcome frame).
   *
   * States: 'offline' (not wanted), 'connecting' (first attempt),
   *         'live' (ready() was called), 'reconnecting' (lost, retrying).
   */
  class Link {
    /**
     * @param {object} opts
     * @param {() => Promise<string>} opts.url     builds the URL for each attempt (fresh token each time)
     * @param {(frame: object) => void} opts.onFrame  every parsed frame
     * @param {(info: object) => void} opts.onState   state changes, see setState()
     * @param {(info: {code:number, reason:string, wasLive:boolean}) => void} [opts.onLost]
     * @param {object} [opts.probe]  a frame to send when the line goes quiet (e.g. {type:'ping'})
     */
    constructor(opts) {
      this.opts = opts;
      this.ws = null;
      this.wanted = false;
      this.state = 'offline';
      this.attempt = 0;            // failures since the last stable connection
      this.liveSince = 0;
      this.everLive = false;       // distinguishes "connecting" from "reconnecting"
      this.isLive = false;
      this.heartbeatS = DEFAULT_HEARTBEAT_S;
      this.lastFrameAt = 0;
      this.probed = false;
      this.retryTimer = null;
      this.retryAt = 0;
      this.watchdog = null;
      this.connecting = false;     // an attempt is waiting for its URL (token request)
    }

    /** The user wants to be connected. */
    start() {
      if (this.wanted) return;
      this.wanted = true;
      this.attempt = 0;
      this.everLive = false;
      this.connect();
    }

    /** The user wants to be offline: close cleanly and stop retrying. */
    stop() {
      this.wanted = false;
      this.clearRetry();
      this.dropSocket(1000, 'bye');
      this.isLive = false;
      this.setState('offline');
    }

    /** Skip the rest of the backoff wait (a "Retry now" button, or the browser came back online). */
    retryNow() {
      if (this.wanted && !this.ws && !this.connecting) this.connect();
    }

    /** @returns {boolean} whether the frame was handed to the socket */
    send(frame) {
      return this.sendRaw(JSON.stringify(frame));
    }

    sendRaw(text) {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
      this.ws.send(text);
      return true;
    }

    /** Called by the owner once the server has greeted us: the link is usable. */
    ready() {
      this.isLive = true;
      this.everLive = true;
      this.liveSince = Date.now();
      this.setState('live');
    }

    setHeartbeatInterval(seconds) {
      if (Number.isFinite(seconds) && seconds > 0) this.heartbeatS = seconds;
    }

    async connect() {
      if (this.connecting) return;  // one attempt at a time
      this.clearRetry();
      this.isLive = false;
      this.setState(this.everLive ? 'reconnecting' : 'connecting');
      let url;
      this.connecting = true;
      try {
        url = await this.opts.url();
      } catch (err) {
        this.connecting = false;
        // No URL, no socket: the server is probably down (the token request failed).
        if (err && err.fatal) { this.giveUp(err.message); return; }
        this.lost(1006, err && err.message ? err.message : String(err));
        return;
      }
      this.connecting = false;
      if (!this.wanted) return;  // the user went offline while we waited

      const ws = new WebSocket(url);
      this.ws = ws;
      this.lastFrameAt = Date.now();
      this.probed = false;
      this.startWatchdog();

      ws.onmessage = (event) => {
        if (ws !== this.ws) return;        // a late frame from a socket we already gave up on
        this.lastFrameAt = Date.now();     // any frame at all is a sign of life
        this.probed = false;
        const frame = parseFrame(event.data);
        if (frame) this.opts.onFrame(frame);
      };
      ws.onclose = (event) => {
        if (ws !== this.ws) return;
        this.ws = null;
        this.lost(event.code, event.reason);
      };
      // onerror is always followed by onclose, which carries the useful details.
    }

    /** The socket is gone (closed, or declared dead): tell the owner and plan the next attempt. */
    lost(code, reason) {
      const wasLive = this.isLive;
      this.isLive = false;
      this.stopWatchdog();
      if (wasLive && Date.now() - this.liveSince >= STABLE_AFTER_MS) this.attempt = 0;  // past failures forgiven
      if (this.opts.onLost) this.opts.onLost({ code, reason: reason || '', wasLive });
      if (this.wanted) this.scheduleRetry(); else this.setState('offline');
    }

    /** A failure that retrying will not fix (e.g. the server refused the name). */
    giveUp(message) {
      this.stop();
      if (this.opts.onLost) this.opts.onLost({ code: 0, reason: message, wasLive: false, fatal: true });
    }

    /**
     * Exponential backoff with "equal jitter": wait between half and all of
     * min(cap, base * 2^attempt). The random half spreads out the herd of clients
     * that all lost the same server at the same moment; the fixed half keeps a
     * single client from hammering it.
     */
    scheduleRetry() {
      const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** this.attempt);
      const delay = ceiling / 2 + Math.random() * (ceiling / 2);
      this.attempt += 1;
      this.retryAt = Date.now() + delay;
      this.retryTimer = setTimeout(() => this.connect(), delay);
      this.setState(this.everLive ? 'reconnecting' : 'connecting');
    }

    clearRetry() {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.retryAt = 0;
    }

    /** Once a second: has the server been silent for too long? */
    startWatchdog() {
      this.stopWatchdog();
      this.watchdog = setInterval(() => this.checkPulse(), 1000);
    }

    stopWatchdog() {
      clearInterval(this.watchdog);
      this.watchdog = null;
    }

    checkPulse() {
      if (!this.ws) return;
      const silentMs = Date.now() - this.lastFrameAt;
      const intervalMs = this.heartbeatS * 1000;
      if (!this.isLive && silentMs > FIRST_FRAME_TIMEOUT_MS) {
        this.declareDead('the server did not answer');
      } else if (this.isLive && silentMs > DEAD_AFTER_INTERVALS * intervalMs) {
        this.declareDead(`no heartbeat for ${Math.round(silentMs / 1000)} s`);
      } else if (this.isLive && !this.probed && this.opts.probe && silentMs > PROBE_AFTER_INTERVALS * intervalMs) {
        this.probed = true;
        this.send(this.opts.probe);
      }
    }

    /** The browser still thinks the socket is open, but the heartbeats say otherwise. */
    declareDead(reason) {
      this.dropSocket(CODE_WENT_QUIET, 'heartbeat missed');
      this.lost(CODE_WENT_QUIET, reason);
    }

    /** Forget the socket first, so its late close event is ignored, then close it. */
    dropSocket(code, reason) {
      const ws = this.ws;
      this.ws = null;
      this.stopWatchdog();
      if (!ws) return;
      try { ws.close(code, reason); } catch (ignored) { /* already closing */ }
    }

    setState(state) {
      this.state = state;
      this.opts.onState({ state, attempt: this.attempt, retryAt: this.retryAt });
    }
  }

  /** Frames are JSON objects with a string `type`; anything else is ignored, not fatal. */
  function parseFrame(data) {
    if (typeof data !== 'string') return null;
    try {
      const frame = JSON.parse(data);
      return frame && typeof frame === 'object' && typeof frame.type === 'string' ? frame : null;
    } catch (ignored) {
      return null;
    }
  }

  /** ws:// or wss:// URL for a path relative to this page, so any context root works. */
  function socketUrl(path, token) {
    const url = new URL(path, window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    // Browsers cannot set an Authorization header on a WebSocket: the query parameter is the way.
    if (token) url.searchParams.set('access_token', token);
    return url.toString();
  }

  // ---------------------------------------------------------------- 3. words for users

  /** Close codes, in the words a user needs. 1001 is either of two things; the reason tells which. */
  function describeClose(code, reason) {
    switch (code) {
      case 1000: return 'the connection was closed normally';
      case 1001:
        if (/heartbeat/i.test(reason)) return 'the server stopped hearing from this page (heartbeat timeout)';
        if (/shut/i.test(reason)) return 'the server is shutting down or restarting';
        return 'the server went away (heartbeat timeout or shutdown)';
      case 1002: return 'the server saw a protocol error';
      case 1006: return 'the connection was lost (network trouble, or the server is down or refused us)';
      case 1007: return 'the server received text that was not valid UTF-8';
      case 1008: return 'the server closed the connection for a policy violation (for example, too many messages too fast)';
      case 1009: return 'a message was too big for the server';
      case 1011: return 'the server hit an internal error';
      case 1013: return 'this page could not keep up with the messages (slow consumer)';
      case CODE_WENT_QUIET: return `the server went quiet (${reason || 'no heartbeat'})`;
      default: return reason ? `the connection closed: ${reason}` : 'the connection closed';
    }
  }

  /** Error codes of the protocol, each with what happened and what to do. */
  const ERROR_WORDS = {
    invalid_json: 'The server could not read what this page sent (it was not JSON).',
    invalid_message: 'The server rejected a malformed request.',
    not_member: 'You are not in that room. Join it first, then send.',
    forbidden_room: 'Your access token does not allow that room.',
    not_found: 'Nobody with that id is connected right now.',
    rate_limited: 'Slow down: you are sending too fast, so that message was dropped.',
  };

  function describeError(frame) {
    const words = ERROR_WORDS[frame.code] || 'The server reported a problem.';
    // The server's own text adds detail (which field was wrong, for instance).
    return frame.message ? `${words} (${frame.message})` : words;
  }

  // ---------------------------------------------------------------- 4. chat session

  const chat = {
    name: '',          // what the user typed
    user: null,        // what the server calls us (from welcome; guest-<n> without a token)
    guest: false,
    /** room id -> { members: number|null, joined: boolean, seen: Set<string> }.
     *  The map is the list of rooms the user wants to be in; it survives reconnects. */
    rooms: new Map(),
    /** joins sent and not yet answered, oldest first: an error for a join carries no room,
     *  but the server answers in order, so the oldest pending join is the one refused. */
    pendingJoins: [],
    /** leaves sent and not yet answered, oldest first, for the same reason. */
    pendingLeaves: [],
    /** ref -> log entry of our own messages that have not come back yet. Kept across a
     *  reconnect: a recovered copy of the message confirms it instead of showing it twice. */
    pendingSends: new Map(),
    nextRef: 1,
    /** ref -> the recovery notice whose "load messages" button asked for that history */
    pendingHistory: new Map(),
    /** where the page is in each room's stream (streams.js) */
    streams: new window.RoomcastStreams.StreamPositions(),
    link: null,
  };

  /**
   * A dev token names us; without dev mode (404) we connect as a guest.
   * A new token for every attempt, because an old one may have expired during an outage.
   */
  async function fetchToken(name) {
    const response = await fetch('api/dev/tokens', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user: name }),
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    });
    if (response.status === 404) {
      // Roomcast says "no dev tokens here" with its JSON error body. Any other 404 (an HTML page)
      // means the application is not deployed yet, e.g. while the server restarts: try again later.
      const body = await response.json().catch(() => null);
      if (body && body.error) return null;
      throw new Error('the server is starting (HTTP 404)');
    }
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      const err = new Error(body.message || `the server refused a token (HTTP ${response.status})`);
      // 4xx: asking again will not help; 5xx: the server may be starting, so retry.
      err.fatal = response.status >= 400 && response.status < 500;
      throw err;
    }
    const body = await response.json();
    return body.token || null;
  }

  async function chatUrl() {
    const token = await fetchToken(chat.name);
    chat.guest = !token;
    return socketUrl('ws/realtime', token);
  }

  function connectChat(name) {
    chat.name = name;
    chat.link = new Link({
      url: chatUrl,
      onFrame: handleFrame,
      onState: renderConnection,
      onLost: handleLost,
      probe: { type: 'ping' },
    });
    chat.link.start();
  }

  function disconnectChat() {
    if (chat.link) chat.link.stop();
    chat.link = null;
    chat.user = null;
    for (const room of chat.rooms.values()) { room.joined = false; room.members = null; }
    chat.pendingJoins = [];
    chat.pendingLeaves = [];
    chat.pendingHistory.clear();
    failPendingSends('not sent: you disconnected');
    renderRooms();
    renderIdentity();
  }

  /** One handler per frame type keeps each reaction small and easy to find. */
  const FRAME_HANDLERS = {
    welcome: onWelcome,
    joined: onJoined,
    left: onLeft,
    presence: onPresence,
    message: onMessage,
    history: onHistory,
    direct: onDirect,
    error: onError,
    heartbeat: () => {},  // its arrival is the point: Link already noted it
    pong: () => {},
    ack: () => {},  // the echo of our own message (same ref) came first and confirmed it already
  };

  function handleFrame(frame) {
    const handler = FRAME_HANDLERS[frame.type];
    if (handler) handler(frame);
    // Unknown types are ignored on purpose: a newer server may add some.
  }

  function onWelcome(frame) {
    const reconnected = chat.link.everLive;
    chat.user = frame.user;
    chat.link.setHeartbeatInterval(frame.heartbeatInterval);
    statusLink.setHeartbeatInterval(frame.heartbeatInterval);
    chat.link.ready();
    renderIdentity();
    if (reconnected) {
      // Each room says for itself whether what was said meanwhile came back (onJoined).
      logNotice(`Reconnected as ${frame.user}.`, 'reconnected');
    } else {
      logNotice(`Connected as ${frame.user}.`);
    }
    rejoinRooms();
  }

  /** After a reconnect the server knows nothing of us: ask again for every room we were in. */
  function rejoinRooms() {
    chat.pendingJoins = [];
    for (const id of chat.rooms.keys()) sendJoin(id);
    renderRooms();
  }

  /** With the last (epoch, offset) seen in the room, the server replays what we missed. */
  function sendJoin(id) {
    const since = chat.streams.sinceFor(id);
    const frame = since ? { type: 'join', room: id, since } : { type: 'join', room: id };
    if (chat.link && chat.link.send(frame)) chat.pendingJoins.push(id);
  }

  function onJoined(frame) {
    removeFrom(chat.pendingJoins, frame.room);
    const room = chat.rooms.get(frame.room) || newRoom();
    const wasJoined = room.joined;
    const rejoin = room.everJoined && !wasJoined;
    room.joined = true;
    room.everJoined = true;
    room.members = frame.members;
    chat.rooms.set(frame.room, room);
    const outcome = chat.streams.joined(frame, rejoin);
    if (outcome.kind === 'recovered') {
      logRecovery(frame.room, true,
        `Back in room ${frame.room}: recovered ${outcome.missed} ${outcome.missed === 1 ? 'message' : 'messages'} sent while you were away.`);
    } else if (outcome.kind === 'unrecovered') {
      const notice = logRecovery(frame.room, false,
        `Back in room ${frame.room}: some messages may be missing (${RECOVERY_WORDS[outcome.reason] || outcome.reason}).`);
      if (outcome.gap) offerHistory(notice, outcome.gap);
    } else if (!wasJoined) {
      logEvent(frame.room, `You joined room ${frame.room}. ${membersText(frame.members)}.`);
    }
    renderRooms();
  }

  /** Why the server could not replay what we missed (PROTOCOL 9.1 reasons), in plain words. */
  const RECOVERY_WORDS = {
    disabled: 'this server keeps no history',
    epoch_changed: 'the server\'s history of this room started over, for example after a restart',
    unknown_position: 'the server could not tell where you left off',
    too_old: 'more was said than the server keeps for a rejoin',
  };

  /** The button under a "may be missing" notice asks for the messages just before the rejoin. */
  function offerHistory(notice, gap) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'link-button load-history';
    button.textContent = 'Load recent messages';
    button.setAttribute('aria-label', `Load recent messages of room ${gap.room}`);
    button.addEventListener('click', () => {
      const ref = `h${chat.nextRef++}`;
      if (!chat.link || !chat.link.send({ type: 'history', room: gap.room, since: gap.since, limit: gap.limit, ref })) {
        showProblem('You are not connected, so the history could not be loaded.', 'not_sent');
        return;
      }
      chat.pendingHistory.set(ref, notice);
      button.disabled = true;
      button.textContent = 'Loading…';
    });
    notice.append(' ', button);
  }

  /** The answer to the history button: the messages we had not shown, in order, under its notice. */
  function onHistory(frame) {
    const notice = chat.pendingHistory.get(frame.ref);
    if (!notice) return;
    chat.pendingHistory.delete(frame.ref);
    const fresh = frame.messages.filter((m) => chat.streams.accept(m));
    let after = notice;
    for (const message of fresh) after = logMessage(message, after);
    const count = `${fresh.length} ${fresh.length === 1 ? 'message' : 'messages'}`;
    const rest = frame.complete ? '' : ' Older ones are no longer kept by the server.';
    notice.querySelector('.load-history').replaceWith(textSpan(`Loaded ${count} from history.${rest}`));
  }

  function onLeft(frame) {
    removeFrom(chat.pendingLeaves, frame.room);
    chat.rooms.delete(frame.room);
    chat.streams.forget(frame.room);
    logEvent(frame.room, `You left room ${frame.room}.`);
    renderRooms();
  }

  function onPresence(frame) {
    const room = chat.rooms.get(frame.room);
    if (!room) return;
    room.members = frame.members;
    if (frame.event === 'join') room.seen.add(frame.user); else room.seen.delete(frame.user);
    const verb = frame.event === 'join' ? 'joined' : 'left';
    logEvent(frame.room, `${frame.user} ${verb} room ${frame.room}. ${membersText(frame.members)}.`, `presence-${frame.event}`);
    renderRooms();
  }

  function onMessage(frame) {
    if (!chat.streams.accept(frame)) return;  // shown already (a replay overlapping what we saw)
    const room = chat.rooms.get(frame.room);
    if (room && frame.from !== chat.user) room.seen.add(frame.from);
    // Our own message comes back like everyone else's: the echo confirms delivery.
    const pending = frame.ref != null ? chat.pendingSends.get(frame.ref) : undefined;
    if (pending) {
      chat.pendingSends.delete(frame.ref);
      confirmMessage(pending, frame);
    } else {
      logMessage(frame);
    }
    renderRooms();
  }

  function onDirect(frame) {
    logMessage({ room: null, from: frame.from, text: frame.text, timestamp: frame.timestamp, direct: true });
  }

  function onError(frame) {
    const text = describeError(frame);
    if (frame.code === 'forbidden_room') {
      // The oldest unanswered join is the refused one: stop asking for that room.
      const id = chat.pendingJoins.shift();
      if (id !== undefined) chat.rooms.delete(id);
      renderRooms();
    }
    if (frame.code === 'not_member' && frame.ref == null && chat.pendingLeaves.length) {
      // A leave the server did not need (we were not in the room after all): forget the room here too.
      chat.rooms.delete(chat.pendingLeaves.shift());
      renderRooms();
      return;  // nothing the user has to act on
    }
    const pending = frame.ref != null ? chat.pendingSends.get(frame.ref) : undefined;
    if (pending) {
      chat.pendingSends.delete(frame.ref);
      failMessage(pending, text);
    }
    showProblem(text, frame.code);
  }

  function handleLost({ code, reason, wasLive, fatal }) {
    if (fatal) {
      disconnectChat();
      showProblem(`Could not connect: ${reason}`, 'connect_failed');
      return;
    }
    // The server forgot our memberships with the connection; they are rejoined on the next welcome.
    for (const room of chat.rooms.values()) { room.joined = false; room.members = null; }
    chat.pendingJoins = [];
    chat.pendingLeaves = [];
    chat.pendingHistory.clear();
    // Kept pending: if the server had the message, the rejoin replays it and that confirms it.
    for (const entry of chat.pendingSends.values()) failMessage(entry, 'may not have been delivered: the connection dropped');
    renderRooms();
    if (wasLive) {
      // The code is for whoever reads a bug report; ours (went quiet) never crossed the wire.
      const codeText = code === CODE_WENT_QUIET ? '' : ` (code ${code})`;
      logNotice(`Disconnected: ${describeClose(code, reason)}${codeText}. Reconnecting…`, 'disconnected');
    } else if (!chat.link.everLive && chat.link.attempt === 0) {
      // Say once why the very first attempt failed; the indicator shows the retries.
      logNotice(`Could not connect yet: ${describeClose(code, reason)}. Retrying…`, 'disconnected');
    }
  }

  function removeFrom(list, id) {
    const i = list.indexOf(id);
    if (i >= 0) list.splice(i, 1);
  }

  function newRoom() {
    return { members: null, joined: false, everJoined: false, seen: new Set() };
  }

  function membersText(count) {
    return count === 1 ? '1 member' : `${count} members`;
  }

  /** Validates before sending, because the server's answers to mistakes cost a round trip. */
  function parseRoom(text) {
    if (!/^\d{1,10}$/.test(text.trim())) return null;
    const id = Number(text.trim());
    return id >= ROOM_MIN && id <= ROOM_MAX ? id : null;
  }

  function joinRoom(id) {
    if (!chat.rooms.has(id)) chat.rooms.set(id, newRoom());
    if (chat.link && chat.link.isLive) sendJoin(id);
    renderRooms();
    selectSendRoom(id);
  }

  function leaveRoom(id) {
    const room = chat.rooms.get(id);
    if (room && room.joined && chat.link && chat.link.send({ type: 'leave', room: id })) {
      chat.pendingLeaves.push(id);
      return;  // the 'left' reply removes it
    }
    chat.rooms.delete(id);  // not joined on the server: forgetting it locally is all there is to do
    chat.streams.forget(id);
    renderRooms();
  }

  /** @returns {string|null} a problem to show, or null when the message went out */
  function sendMessage(roomId, text) {
    if (!chat.link || !chat.link.isLive) return 'You are not connected, so the message was not sent.';
    const room = chat.rooms.get(roomId);
    if (!room || !room.joined) return 'Join a room before sending.';
    // The ref lets us match the server's echo (or its error) to this very message.
    const ref = `${PAGE_REF_PREFIX}-m${chat.nextRef++}`;
    const frame = { type: 'message', room: roomId, text, ref };
    if (new TextEncoder().encode(JSON.stringify(frame)).length > MAX_FRAME_BYTES) {
      return 'That message is too long for the server; please shorten it.';
    }
    if (!chat.link.send(frame)) return 'The connection just dropped; the message was not sent.';
    chat.pendingSends.set(ref, logMessage({ room: roomId, from: chat.user, text, timestamp: Date.now(), pending: true }));
    return null;
  }

  function failPendingSends(why) {
    for (const entry of chat.pendingSends.values()) failMessage(entry, why);
    chat.pendingSends.clear();
  }

  // ---------------------------------------------------------------- 5. status panel

  /** /ws/status pushes figures on open and on every change; it also gets heartbeats. */
  const statusLink = new Link({
    url: statusUrl,
    onFrame: (frame) => {
      if (frame.type !== 'status') return;
      if (!statusLink.isLive) statusLink.ready();
      renderStatus(frame);
    },
    onState: ({ state }) => { el.status.dataset.state = state; },
    // No probe: /ws/status is receive-only in the protocol.
  });

  /**
   * Anonymous until the user connects; then with a fresh token of its own, because a token
   * kept from before a server restart may no longer be valid there (401).
   */
  async function statusUrl() {
    const token = chat.link ? await fetchToken(chat.name).catch(() => null) : null;
    return socketUrl('ws/status', token);
  }

  // ---------------------------------------------------------------- 6. the page

  const el = {};

  function findElements() {
    for (const id of ['conn', 'conn-label', 'conn-detail', 'retry-now', 'connect-form', 'name', 'connect',
      'identity', 'join-form', 'room', 'rooms', 'rooms-empty', 'log', 'jump-latest', 'send-form', 'send-room',
      'message', 'alert']) {
      el[id.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = document.getElementById(id);
    }
    el.status = document.getElementById('server-status');
    el.statusConnections = document.getElementById('status-connections');
    el.statusRooms = document.getElementById('status-rooms');
    el.statusUpdated = document.getElementById('status-updated');
  }

  const STATE_WORDS = { offline: 'Offline', connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' };

  function renderConnection({ state }) {
    el.conn.dataset.state = state;
    el.connLabel.textContent = STATE_WORDS[state];
    renderConnectionDetail();
    renderIdentity();
  }

  /** The countdown is redrawn every second, outside the live region. */
  function renderConnectionDetail() {
    const link = chat.link;
    let detail = '';
    if (link && link.retryAt) {
      const seconds = Math.max(0, Math.ceil((link.retryAt - Date.now()) / 1000));
      detail = `next try in ${seconds} s (attempt ${link.attempt + 1})`;
    } else if (link && link.isLive) {
      detail = `heartbeat ${Math.round((Date.now() - link.lastFrameAt) / 1000)} s ago`;
    }
    el.connDetail.textContent = detail;
    el.retryNow.hidden = !(link && link.retryAt);
  }

  function renderIdentity() {
    const connected = Boolean(chat.link);
    el.connect.textContent = connected ? 'Disconnect' : 'Connect';
    el.name.readOnly = connected;
    if (!connected) {
      el.identity.textContent = 'Pick a name and connect.';
    } else if (!chat.user) {
      el.identity.textContent = `Connecting as ${chat.name}…`;
    } else if (chat.guest) {
      el.identity.textContent = `You are ${chat.user}. Dev tokens are off on this server, so you joined as a guest.`;
    } else {
      el.identity.textContent = `You are ${chat.user}.`;
    }
  }

  /**
   * Updates the room list in place rather than rebuilding it: a keyboard user sitting
   * on a "Leave" button must not lose focus because a message arrived.
   */
  function renderRooms() {
    const items = new Map([...el.rooms.children].map((li) => [Number(li.dataset.room), li]));
    for (const [id, li] of items) if (!chat.rooms.has(id)) li.remove();
    for (const [id, room] of chat.rooms) {
      const li = items.get(id) || el.rooms.appendChild(roomItem(id));
      updateRoomItem(li, room);
    }
    el.roomsEmpty.hidden = chat.rooms.size > 0;
    renderSendRooms();
  }

  function roomItem(id) {
    const li = document.createElement('li');
    li.className = 'room';
    li.dataset.room = String(id);
    const title = document.createElement('span');
    title.className = 'room-title';
    title.textContent = `Room ${id}`;
    const count = document.createElement('span');
    count.className = 'room-members';
    const leave = document.createElement('button');
    leave.type = 'button';
    leave.className = 'link-button';
    leave.textContent = 'Leave';
    leave.setAttribute('aria-label', `Leave room ${id}`);
    leave.addEventListener('click', () => leaveRoom(id));
    const seen = document.createElement('span');
    seen.className = 'room-seen';
    li.append(title, count, leave, seen);
    return li;
  }

  function updateRoomItem(li, room) {
    li.dataset.joined = String(room.joined);
    li.querySelector('.room-members').textContent = roomState(room);
    // The protocol gives counts, not rosters: list whom we saw arrive or speak.
    li.querySelector('.room-seen').textContent = room.seen.size ? `Seen here: ${[...room.seen].join(', ')}` : '';
  }

  function roomState(room) {
    if (room.joined) return membersText(room.members);
    if (!chat.link) return 'not connected';
    return chat.link.isLive ? 'joining…' : 'rejoins when reconnected';
  }

  /** The composer's room picker lists our rooms; rebuilt only when that list changes. */
  function renderSendRooms() {
    const ids = [...chat.rooms.keys()].map(String);
    const shown = [...el.sendRoom.options].map((o) => o.value).filter(Boolean);
    if (ids.join() === shown.join()) return;
    const current = el.sendRoom.value;
    el.sendRoom.replaceChildren(...(ids.length ? ids : ['']).map((id) => {
      const option = document.createElement('option');
      option.value = id;
      option.textContent = id ? `#${id}` : 'none';
      return option;
    }));
    el.sendRoom.disabled = ids.length === 0;
    if (ids.includes(current)) el.sendRoom.value = current;
  }

  function selectSendRoom(id) {
    renderSendRooms();
    el.sendRoom.value = String(id);
  }

  function renderStatus(frame) {
    el.statusConnections.textContent = String(frame.connections);
    el.statusRooms.textContent = String(frame.rooms);
    el.statusUpdated.textContent = formatTime(frame.timestamp);
  }

  // -- the log: a fixed-height list that scrolls; new entries never move the rest of the page

  /** @param {Element} [after] where history goes: under its notice, not at the end */
  function logMessage({ room, from, text, timestamp, pending, direct, epoch, offset }, after) {
    const li = entry(pending || from === chat.user ? 'message mine' : 'message', room);
    li.dataset.from = from;
    if (offset != null) { li.dataset.epoch = epoch; li.dataset.offset = String(offset); }
    const meta = document.createElement('span');
    meta.className = 'meta';
    const who = document.createElement('strong');
    who.className = 'from';
    who.textContent = from;
    meta.append(roomTag(room, direct), who, ' ', timeTag(timestamp));
    const body = document.createElement('span');
    body.className = 'text';
    body.textContent = text;  // textContent, never innerHTML: messages are untrusted
    const state = document.createElement('span');
    state.className = 'delivery';
    if (pending) { li.dataset.delivery = 'pending'; state.textContent = 'sending…'; }
    li.append(meta, body, state);
    if (after) { after.after(li); return li; }
    return append(li);
  }

  function confirmMessage(li, frame) {
    li.dataset.delivery = 'delivered';
    li.dataset.id = frame.id;
    if (frame.offset != null) { li.dataset.epoch = frame.epoch; li.dataset.offset = String(frame.offset); }
    li.querySelector('.delivery').textContent = '';
    li.querySelector('time').replaceWith(timeTag(frame.timestamp));
  }

  function failMessage(li, why) {
    li.dataset.delivery = 'failed';
    li.querySelector('.delivery').textContent = why;
  }

  function logEvent(room, text, kind = 'event') {
    const li = entry(`event ${kind}`, room);
    li.append(roomTag(room), ' ', textSpan(text));
    append(li);
  }

  function logNotice(text, kind = 'info') {
    const li = entry(`notice ${kind}`, null);
    li.append(textSpan(text));
    append(li);
  }

  /** Whether a rejoined room got back what was said meanwhile; the entry may grow a button. */
  function logRecovery(room, recovered, text) {
    const li = entry('notice recovery', room);
    li.dataset.recovered = String(recovered);
    li.append(roomTag(room), ' ', textSpan(text));
    return append(li);
  }

  function logError(text, code) {
    const li = entry('error', null);
    li.dataset.code = code;
    li.append(textSpan(text));
    append(li);
  }

  function entry(className, room) {
    const li = document.createElement('li');
    li.className = `entry ${className}`;
    if (room != null) li.dataset.room = String(room);
    return li;
  }

  function roomTag(room, direct) {
    const span = document.createElement('span');
    span.className = 'room-tag';
    span.textContent = direct ? 'direct' : (room != null ? `#${room}` : '');
    return span;
  }

  function timeTag(ms) {
    const time = document.createElement('time');
    time.dateTime = new Date(ms).toISOString();
    time.textContent = formatTime(ms);
    return time;
  }

  function textSpan(text) {
    const span = document.createElement('span');
    span.className = 'text';
    span.textContent = text;
    return span;
  }

  function formatTime(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  /** Follow new entries only if the reader is already at the bottom; never yank them away from history. */
  function append(li) {
    const log = el.log;
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    log.append(li);
    while (log.children.length > MAX_LOG_ENTRIES) log.firstElementChild.remove();
    if (atBottom) log.scrollTop = log.scrollHeight; else el.jumpLatest.hidden = false;
    return li;
  }

  /** Problems go to the log (history) and to the alert line (announced right away). */
  function showProblem(text, code) {
    logError(text, code);
    el.alert.textContent = text;
    el.alert.dataset.code = code;
  }

  function clearProblem() {
    el.alert.textContent = '';
    delete el.alert.dataset.code;
  }

  // -- forms

  function onConnectSubmit(event) {
    event.preventDefault();
    clearProblem();
    if (chat.link) { disconnectChat(); logNotice('You disconnected.'); return; }
    const name = el.name.value.trim();
    if (!name) { showProblem('Please type a name first.', 'no_name'); el.name.focus(); return; }
    if (!NAME_PATTERN.test(name)) {
      showProblem('A name is up to 64 letters or digits, and . _ @ - (no spaces).', 'bad_name');
      el.name.focus();
      return;
    }
    connectChat(name);
    renderIdentity();
    el.room.focus();  // the natural next step for a keyboard user
  }

  function onJoinSubmit(event) {
    event.preventDefault();
    clearProblem();
    const id = parseRoom(el.room.value);
    if (id === null) { showProblem('A room is a whole number from 1 to 2147483647.', 'bad_room'); el.room.focus(); return; }
    if (!chat.link) { showProblem('Connect first, then join a room.', 'not_connected'); el.name.focus(); return; }
    joinRoom(id);
    el.room.value = '';
    el.message.focus();
  }

  function onSendSubmit(event) {
    event.preventDefault();
    const text = el.message.value.trim();
    if (!text) return;  // an empty text is invalid_message on the server: do not even ask
    const roomId = parseRoom(el.sendRoom.value);
    const problem = roomId === null ? 'Join a room before sending.' : sendMessage(roomId, text);
    if (problem) { showProblem(problem, 'not_sent'); return; }  // keep the text so nothing is lost
    clearProblem();
    el.message.value = '';
  }

  function onLogScroll() {
    const log = el.log;
    if (log.scrollHeight - log.scrollTop - log.clientHeight < 40) el.jumpLatest.hidden = true;
  }

  function jumpToLatest() {
    el.log.scrollTop = el.log.scrollHeight;
    el.jumpLatest.hidden = true;
    el.message.focus();
  }

  function start() {
    findElements();
    el.connectForm.addEventListener('submit', onConnectSubmit);
    el.joinForm.addEventListener('submit', onJoinSubmit);
    el.sendForm.addEventListener('submit', onSendSubmit);
    el.retryNow.addEventListener('click', () => chat.link && chat.link.retryNow());
    el.log.addEventListener('scroll', onLogScroll);
    // A fragment link only scrolls; a keyboard user wants to be *in* the box.
    document.querySelector('.skip-link').addEventListener('click', (event) => { event.preventDefault(); el.message.focus(); });
    el.jumpLatest.addEventListener('click', jumpToLatest);
    // Back online: no point waiting out the backoff.
    window.addEventListener('online', () => { if (chat.link) chat.link.retryNow(); statusLink.retryNow(); });
    setInterval(renderConnectionDetail, 1000);
    renderRooms();
    renderIdentity();
    statusLink.start();
    // Convenience for demos and tests: index.html?name=alice&room=7 connects and joins.
    const params = new URLSearchParams(window.location.search);
    if (params.get('name')) { el.name.value = params.get('name'); el.connect.click(); }
    const room = parseRoom(params.get('room') || '');
    if (room !== null && chat.link) joinRoom(room);
  }

  /**
   * For developers trying the protocol from the browser console, e.g.
   *   roomcast.send({type: 'join', room: 7})   or   roomcast.sendRaw('not json')
   * Replies (and errors) appear in the page like any other frame.
   */
  window.roomcast = Object.freeze({
    send: (frame) => Boolean(chat.link && chat.link.send(frame)),
    sendRaw: (text) => Boolean(chat.link && chat.link.sendRaw(text)),
  });

  document.addEventListener('DOMContentLoaded', start);
})();
