/*
 * Roomcast demo chat: the page.
 *
 * The chat link is roomcast.js's (served beside this file): it reconnects with backoff, watches
 * the heartbeats, rejoins every room with `since`, hands over each message once (by epoch and
 * offset) and resends unacknowledged messages after a reconnect. gaps.js says what to do when a
 * rejoin could not recover; status-feed.js keeps /ws/status open. This file is what the user
 * sees. Read it top to bottom:
 *   1. settings
 *   2. words for users  - close codes, error codes and recovery reasons in plain language
 *   3. chat session     - the client's events turned into the page's state and log entries
 *   4. status panel
 *   5. the page         - DOM rendering and the forms
 *
 * No framework, no build step: what you read is what the browser runs.
 */
import { connect } from './roomcast.js';
import { afterJoin, messagesInGap } from './gaps.js';
import { StatusFeed } from './status-feed.js';

// ---------------------------------------------------------------- 1. settings

/** A token request that hangs (server frozen, network gone) must not stall reconnecting. */
const TOKEN_TIMEOUT_MS = 10000;
/** Keep the page light during long sessions. */
const MAX_LOG_ENTRIES = 500;
/** The server's rule for dev-token user names (POST /api/dev/tokens answers 400 otherwise). */
const NAME_PATTERN = /^[\p{L}\p{N}._@-]{1,64}$/u;
const ROOM_MIN = 1;
const ROOM_MAX = 2147483647;
/** The page names its messages' refs itself, to match each echo to the entry showing it. The
 *  server de-duplicates by user, room and ref (PROTOCOL 9.3): a page reloaded by the same user
 *  must not reuse the previous load's refs, or its first messages would be taken for resends. */
const PAGE_REF_PREFIX = Math.random().toString(36).slice(2, 10);
/** roomcast.js's close code when its watchdog gives up on a silent socket (it never crosses the wire). */
const CODE_WENT_QUIET = 4000;

// ---------------------------------------------------------------- 2. words for users

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

/** Why roomcast.js stopped for good: a refused handshake's status says more than its close code. */
function describeStop({ code, reason, status }) {
  if (status === 401) return 'the server did not accept your access token';
  if (status === 403) return 'the server refused this page (its origin, or a room its token names, is not allowed)';
  if (status === 400) return 'the server found the connection request malformed';
  if (code === 1008 && reason) return `the server closed the connection: ${reason}`;
  return describeClose(code, reason);
}

/** Error codes of the protocol, each with what happened and what to do. */
const ERROR_WORDS = {
  invalid_json: 'The server could not read what this page sent (it was not JSON).',
  invalid_message: 'The server rejected a malformed request.',
  not_member: 'You are not in that room. Join it first, then send.',
  forbidden_room: 'Your access token does not allow that room.',
  not_found: 'Nobody with that id is connected right now.',
  rate_limited: 'Slow down: you are sending too fast, so that message was dropped.',
  too_many_rooms: 'You are in as many rooms as the server allows: leave one first.',
  invalid_credentials: 'The server did not accept the new access token.',
};

/** Problems roomcast.js finds on this side of the wire. */
const CLIENT_PROBLEM_WORDS = {
  invalid_json: 'The server sent something this page could not read.',
  refresh_failed: 'Your access token could not be renewed; the connection ends when it expires.',
};

/** A RoomcastError in words: the server's own text adds detail (which field was wrong, say). */
function describeError(error) {
  const fromServer = Boolean(error.detail && error.detail.type === 'error');
  if (!fromServer) return CLIENT_PROBLEM_WORDS[error.code] || `Something went wrong: ${error.message}`;
  const words = ERROR_WORDS[error.code] || 'The server reported a problem.';
  return error.message ? `${words} (${error.message})` : words;
}

/** Why the server could not replay what we missed (PROTOCOL 9.1 reasons), in plain words. */
const RECOVERY_WORDS = {
  disabled: 'this server keeps no history',
  epoch_changed: 'the server\'s history of this room started over, for example after a restart',
  unknown_position: 'the server could not tell where you left off',
  too_old: 'more was said than the server keeps for a rejoin',
};

const plural = (n, word) => `${n} ${n === 1 ? word : `${word}s`}`;

function membersText(count) {
  return plural(count, 'member');
}

// ---------------------------------------------------------------- 3. chat session

const chat = {
  name: '',          // what the user typed
  user: null,        // what the server calls us (from welcome; guest-<n> without a token)
  guest: false,
  /** the roomcast.js client, while the user wants to be connected */
  rc: null,
  /** welcomed on the current connection */
  live: false,
  welcomes: 0,
  /** the client's backoff wait, for the countdown: when the next attempt starts, and its number */
  retryAt: 0,
  attempt: 0,
  lastHeartbeatAt: 0,
  /** room id -> { members: number|null, joined: boolean, seen: Set<string> }.
   *  The map is the list of rooms the user wants to be in; it survives reconnects. */
  rooms: new Map(),
  /** ref -> log entry of our own messages that have not come back yet */
  pendingSends: new Map(),
  nextRef: 1,
};

/**
 * A dev token names us; without dev mode (404) we connect as a guest (null). roomcast.js asks
 * for a new one when it has none, when the server refused the last one (a restarted server
 * signs with a new dev key) and before it expires.
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

async function chatToken() {
  const token = await fetchToken(chat.name);
  chat.guest = !token;
  return token;
}

function connectChat(name) {
  chat.name = name;
  const rc = connect('ws/realtime', { tokenProvider: chatToken });
  chat.rc = rc;
  // A client the user has disconnected may still settle promises; its events are no longer ours.
  const on = (event, handler) => rc.on(event, (value) => { if (chat.rc === rc) handler(value); });
  on('state', ({ state }) => renderConnection(INDICATOR_STATES[state]));
  on('welcome', onWelcome);
  on('joined', onJoined);
  on('left', onLeft);
  on('presence', onPresence);
  on('message', onMessage);
  on('direct', onDirect);
  on('heartbeat', () => { chat.lastHeartbeatAt = Date.now(); });
  on('error', onClientError);
  on('disconnect', onDisconnect);
  on('stopped', onStopped);
  for (const id of chat.rooms.keys()) joinOnServer(id);  // rooms kept from an earlier connection
  renderConnection('connecting');
}

/** The client's states as the indicator names them. */
const INDICATOR_STATES = { connecting: 'connecting', open: 'live', reconnecting: 'reconnecting', closed: 'offline' };

/** The user disconnects: the client closes for good, our unconfirmed messages were not sent. */
function disconnectChat() {
  const rc = chat.rc;
  endChat();
  rc.close();
}

/** Back to offline; the rooms stay listed, to be joined again on the next connect. */
function endChat() {
  chat.rc = null;
  chat.user = null;
  chat.live = false;
  chat.welcomes = 0;
  chat.retryAt = 0;
  for (const room of chat.rooms.values()) { room.joined = false; room.members = null; }
  renderConnection('offline');
  renderRooms();
}

function onWelcome(welcome) {
  chat.user = welcome.user;
  chat.live = true;
  chat.retryAt = 0;
  chat.lastHeartbeatAt = Date.now();
  chat.welcomes += 1;
  statusFeed.setHeartbeatInterval(welcome.heartbeatInterval);
  renderConnectionDetail();
  renderIdentity();
  renderRooms();
  // Each room says for itself whether what was said meanwhile came back (onJoined).
  if (chat.welcomes > 1) logNotice(`Reconnected as ${welcome.user}.`, 'reconnected');
  else logNotice(`Connected as ${welcome.user}.`);
}

function onJoined(joined) {
  const room = chat.rooms.get(joined.room);
  if (!room) return;  // left meanwhile
  room.joined = true;
  room.members = joined.members;
  const outcome = afterJoin(joined);
  if (outcome.kind === 'recovered') {
    logRecovery(joined.room, true,
      `Back in room ${joined.room}: recovered ${plural(outcome.missed, 'message')} sent while you were away.`);
  } else if (outcome.kind === 'gap') {
    showGap(joined.room, outcome);
  } else {
    logEvent(joined.room, `You joined room ${joined.room}. ${membersText(joined.members)}.`);
  }
  renderRooms();
}

/**
 * Says that messages may be missing. After a new epoch the page fetches the gap by itself: those
 * messages are all new to it, and nothing else can bring them. Otherwise a button offers them.
 */
function showGap(id, { reason, request, automatic }) {
  const notice = logRecovery(id, false,
    `Back in room ${id}: some messages may be missing (${RECOVERY_WORDS[reason] || reason}).`);
  if (!request) return;
  if (automatic) {
    const loading = textSpan('Loading the messages since then…');
    notice.append(' ', loading);
    loadGap(notice, request, loading);
  } else {
    offerHistory(notice, request);
  }
}

function offerHistory(notice, request) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'link-button load-history';
  button.textContent = 'Load recent messages';
  button.setAttribute('aria-label', `Load recent messages of room ${request.room}`);
  button.addEventListener('click', () => {
    if (!chat.rc) { showProblem('Connect first, then load the history.', 'not_connected'); return; }
    button.disabled = true;
    button.textContent = 'Loading…';
    loadGap(notice, request, button);
  });
  notice.append(' ', button);
}

/**
 * Shows the gap's messages under its notice, in order; `control` then says what came. An answer holds
 * at most the server's answer-bytes (PROTOCOL 13.1): while it says `complete: false` after messages of
 * the gap, the next page is asked from the last one.
 */
async function loadGap(notice, request, control) {
  let answer;
  const messages = [];
  try {
    let since = request.since;
    for (;;) {
      answer = await chat.rc.history(request.room, { since, limit: request.limit - messages.length });
      const page = messagesInGap(answer, request).filter((m) => m.offset > since.offset);
      messages.push(...page);
      if (answer.complete || page.length === 0 || messages.length >= request.limit) break;
      since = { epoch: since.epoch, offset: page[page.length - 1].offset };
    }
  } catch (error) {
    control.replaceWith(textSpan(error.code === 'closed'
      ? 'The history was not loaded: you disconnected.'
      : `The history could not be loaded. ${describeError(error)}`));
    return;
  }
  let after = notice;
  for (const message of messages) after = logMessage(message, after);
  control.replaceWith(textSpan(loadedText(messages.length, request, answer)));
}

function loadedText(count, request, answer) {
  if (answer.epoch !== request.since.epoch) return 'The server\'s history started over again meanwhile: nothing to load.';
  const loaded = `Loaded ${plural(count, 'message')} from history.`;
  if (count < request.limit) return `${loaded} The ${plural(request.limit - count, 'message')} before them are no longer kept by the server.`;
  if (request.partial) return `${loaded} Older ones are not shown.`;
  return loaded;
}

/** The server took us out of a room (its `reason`); answers to our own leave are leaveRoom's. */
function onLeft(left) {
  if (!left.reason) return;
  forgetRoom(left.room);
  showProblem(`You are no longer in room ${left.room}. ${ERROR_WORDS[left.reason] || left.reason}`, left.reason);
}

function onPresence(presence) {
  const room = chat.rooms.get(presence.room);
  if (!room) return;
  room.members = presence.members;
  if (presence.event === 'join') room.seen.add(presence.user); else room.seen.delete(presence.user);
  const verb = presence.event === 'join' ? 'joined' : 'left';
  logEvent(presence.room, `${presence.user} ${verb} room ${presence.room}. ${membersText(presence.members)}.`, `presence-${presence.event}`);
  renderRooms();
}

function onMessage(message) {
  const room = chat.rooms.get(message.room);
  if (room && message.from !== chat.user) room.seen.add(message.from);
  // Our own message comes back like everyone else's: the echo confirms delivery.
  const pending = message.ref != null ? chat.pendingSends.get(message.ref) : undefined;
  if (pending) {
    chat.pendingSends.delete(message.ref);
    confirmMessage(pending, message);
  } else {
    logMessage(message);
  }
  renderRooms();
}

function onDirect(direct) {
  logMessage({ room: null, from: direct.from, text: direct.text, timestamp: direct.timestamp, direct: true });
}

function onClientError(error) {
  if (error.code === 'token_failed') {
    // The token request failed: a server restarting fails it for a while, and the client retries.
    // A refusal (4xx) will not change by asking again.
    if (error.detail && error.detail.fatal) {
      disconnectChat();
      showProblem(`Could not connect: ${error.detail.message}`, 'connect_failed');
    }
    return;
  }
  showProblem(describeError(error), error.code);
}

/** The connection dropped and the client will try again after `delay` ms. */
function onDisconnect({ code, reason, retry, delay, attempt }) {
  if (!retry) return;  // 'stopped' follows
  const wasLive = chat.live;
  chat.live = false;
  chat.retryAt = Date.now() + delay;
  chat.attempt = attempt;
  // The server forgot our memberships with the connection; the client rejoins on the next one.
  for (const room of chat.rooms.values()) { room.joined = false; room.members = null; }
  for (const entry of chat.pendingSends.values()) waitForResend(entry);
  renderRooms();
  renderConnectionDetail();
  if (wasLive) {
    // The code is for whoever reads a bug report; ours (went quiet) never crossed the wire.
    const codeText = code === CODE_WENT_QUIET ? '' : ` (code ${code})`;
    logNotice(`Disconnected: ${describeClose(code, reason)}${codeText}. Reconnecting…`, 'disconnected');
  } else if (chat.welcomes === 0 && attempt === 1) {
    // Say once why the very first attempt failed; the indicator shows the retries.
    logNotice(`Could not connect yet: ${describeClose(code, reason)}. Retrying…`, 'disconnected');
  }
}

/** The client gave up: a policy close or a refused handshake will not change by retrying. */
function onStopped(stop) {
  const connected = chat.welcomes > 0;
  endChat();
  showProblem(`${connected ? 'Disconnected' : 'Could not connect'}: ${describeStop(stop)}.`, 'connect_failed');
}

/** Validates before sending, because the server's answers to mistakes cost a round trip. */
function parseRoom(text) {
  if (!/^\d{1,10}$/.test(text.trim())) return null;
  const id = Number(text.trim());
  return id >= ROOM_MIN && id <= ROOM_MAX ? id : null;
}

function newRoom() {
  return { members: null, joined: false, seen: new Set() };
}

function joinRoom(id) {
  if (!chat.rooms.has(id)) {
    chat.rooms.set(id, newRoom());
    joinOnServer(id);
  }
  renderRooms();
  selectSendRoom(id);
}

/** Joined now if connected, else on the next connection; the client rejoins after every reconnect. */
function joinOnServer(id) {
  chat.rc.join(id).catch((error) => {
    // Refused (forbidden_room, too_many_rooms): the words come with the client's error event.
    // 'closed' (the user disconnected) and 'left' (the user left meanwhile) need nothing here.
    if (error.code !== 'closed' && error.code !== 'left') forgetRoom(id);
  });
}

function leaveRoom(id) {
  if (!chat.rc) { forgetRoom(id); return; }
  // Whatever the answer, the client will not rejoin the room: the page forgets it too.
  const left = () => { forgetRoom(id); logEvent(id, `You left room ${id}.`); };
  chat.rc.leave(id).then(left, left);
}

function forgetRoom(id) {
  chat.rooms.delete(id);
  renderRooms();
}

/** @returns {string|null} a problem to show, or null when the message went out */
function sendMessage(roomId, text) {
  if (!chat.rc || !chat.live) return 'You are not connected, so the message was not sent.';
  const room = chat.rooms.get(roomId);
  if (!room || !room.joined) return 'Join a room before sending.';
  const ref = `${PAGE_REF_PREFIX}-m${chat.nextRef++}`;
  chat.pendingSends.set(ref, logMessage({ room: roomId, from: chat.user, text, timestamp: Date.now(), pending: true }));
  chat.rc.publish(roomId, text, { ref }).then(
    // The echo usually confirmed it already; after a resend the server may answer with the ack alone.
    (ack) => settleSend(ref, (entry) => confirmMessage(entry, ack)),
    (error) => settleSend(ref, (entry) => {
      if (error.code === 'closed') { failMessage(entry, 'not sent: you disconnected'); return; }
      const why = describeError(error);
      failMessage(entry, why);
      showProblem(why, error.code);
    }));
  return null;
}

function settleSend(ref, settle) {
  const entry = chat.pendingSends.get(ref);
  if (!entry) return;
  chat.pendingSends.delete(ref);
  settle(entry);
}

// ---------------------------------------------------------------- 4. status panel

const statusFeed = new StatusFeed({
  url: statusUrl,
  onStatus: renderStatus,
  onState: (state) => { el.status.dataset.state = state; },
});

/**
 * Anonymous until the user connects; then with a fresh token of its own, because a token
 * kept from before a server restart may no longer be valid there (401).
 */
async function statusUrl() {
  const token = chat.rc ? await fetchToken(chat.name).catch(() => null) : null;
  const url = new URL('ws/status', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  // Browsers cannot set an Authorization header on a WebSocket: the query parameter is the way.
  if (token) url.searchParams.set('access_token', token);
  return url.toString();
}

// ---------------------------------------------------------------- 5. the page

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

function renderConnection(state) {
  el.conn.dataset.state = state;
  el.connLabel.textContent = STATE_WORDS[state];
  renderConnectionDetail();
  renderIdentity();
}

/**
 * The countdown is redrawn every second, outside the live region. The first retries come within
 * a fraction of a second: a countdown and a "Retry now" button only for a wait worth skipping.
 */
function renderConnectionDetail() {
  const waiting = Boolean(chat.rc) && !chat.live && chat.retryAt > 0;
  const waitMs = chat.retryAt - Date.now();
  let detail = '';
  if (waiting) {
    detail = waitMs >= 1000 ? `next try in ${Math.ceil(waitMs / 1000)} s (attempt ${chat.attempt + 1})` : `trying again (attempt ${chat.attempt + 1})`;
  } else if (chat.live) {
    detail = `heartbeat ${Math.round((Date.now() - chat.lastHeartbeatAt) / 1000)} s ago`;
  }
  el.connDetail.textContent = detail;
  el.retryNow.hidden = !(waiting && waitMs >= 1000);
}

function renderIdentity() {
  const connected = Boolean(chat.rc);
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
  if (!chat.rc) return 'not connected';
  return chat.live ? 'joining…' : 'rejoins when reconnected';
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

/** By the echo (a message event) or by the ack, which has no timestamp. */
function confirmMessage(li, frame) {
  li.dataset.delivery = 'delivered';
  li.dataset.id = frame.id;
  if (frame.offset != null) { li.dataset.epoch = frame.epoch; li.dataset.offset = String(frame.offset); }
  li.querySelector('.delivery').textContent = '';
  if (frame.timestamp != null) li.querySelector('time').replaceWith(timeTag(frame.timestamp));
}

/** roomcast.js sends it again on the next connection; the server publishes it once (PROTOCOL 9.3). */
function waitForResend(li) {
  li.querySelector('.delivery').textContent = 'not confirmed yet: sent again once reconnected';
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
  if (chat.rc) { disconnectChat(); logNotice('You disconnected.'); return; }
  const name = el.name.value.trim();
  if (!name) { showProblem('Please type a name first.', 'no_name'); el.name.focus(); return; }
  if (!NAME_PATTERN.test(name)) {
    showProblem('A name is up to 64 letters or digits, and . _ @ - (no spaces).', 'bad_name');
    el.name.focus();
    return;
  }
  connectChat(name);
  el.room.focus();  // the natural next step for a keyboard user
}

function onJoinSubmit(event) {
  event.preventDefault();
  clearProblem();
  const id = parseRoom(el.room.value);
  if (id === null) { showProblem('A room is a whole number from 1 to 2147483647.', 'bad_room'); el.room.focus(); return; }
  if (!chat.rc) { showProblem('Connect first, then join a room.', 'not_connected'); el.name.focus(); return; }
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

/** Skips the rest of the backoff waits (the "Retry now" button, or the browser came back online). */
function retryNow() {
  if (chat.rc && chat.rc.reconnectNow()) {
    chat.retryAt = 0;
    renderConnectionDetail();
  }
  statusFeed.retryNow();
}

function start() {
  findElements();
  el.connectForm.addEventListener('submit', onConnectSubmit);
  el.joinForm.addEventListener('submit', onJoinSubmit);
  el.sendForm.addEventListener('submit', onSendSubmit);
  el.retryNow.addEventListener('click', retryNow);
  el.log.addEventListener('scroll', onLogScroll);
  // A fragment link only scrolls; a keyboard user wants to be *in* the box.
  document.querySelector('.skip-link').addEventListener('click', (event) => { event.preventDefault(); el.message.focus(); });
  el.jumpLatest.addEventListener('click', jumpToLatest);
  window.addEventListener('online', retryNow);
  setInterval(renderConnectionDetail, 1000);
  renderRooms();
  renderIdentity();
  statusFeed.start();
  // Convenience for demos and tests: index.html?name=alice&room=7 connects and joins.
  const params = new URLSearchParams(window.location.search);
  if (params.get('name')) { el.name.value = params.get('name'); el.connect.click(); }
  const room = parseRoom(params.get('room') || '');
  if (room !== null && chat.rc) joinRoom(room);
}

/**
 * For developers trying the protocol from the browser console, e.g.
 *   roomcast.send({type: 'join', room: 7})   or   roomcast.sendRaw('not json')
 * Replies (and errors) appear in the page like any other frame. These two reach past
 * roomcast.js's API on purpose (its frame writer and its socket): no app should send frames
 * the client does not know about; `roomcast.client` is the client itself.
 */
window.roomcast = Object.freeze({
  get client() { return chat.rc; },
  send: (frame) => Boolean(chat.rc && chat.rc.send(frame)),
  sendRaw: (text) => {
    const ws = chat.rc && chat.rc.isOpen() ? chat.rc.ws : null;
    if (!ws) return false;
    ws.send(text);
    return true;
  },
});

// A module runs once the document is parsed: the elements are there.
start();
