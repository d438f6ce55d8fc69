/*
 * Roomcast admin page (/admin.html): the live picture of the server, for a token with the admin
 * claim ("roomcast_admin": true, PROTOCOL 3.5).
 *
 * Two sources, both read with the admin's token:
 *   - /ws/status (status-feed.js, the demo page's loop, with roomcast.js's backoff): connections,
 *     rooms and instances as they change, cluster-wide;
 *   - GET /api/admin/overview, once a second: rooms with their members' names, the counters
 *     (frames in, deliveries, slow-consumer closes, handshake refusals by code). The rates in the
 *     charts are the differences of the counters between two answers.
 * Without a token the server accepts as an admin's, the page shows why and how to get one, never
 * half a dashboard.
 *
 * Read it top to bottom: 1. settings, 2. the token, 3. the figures, 4. charts, 5. the page.
 * No framework, no build step, nothing fetched but from this server.
 */
import { StatusFeed } from './status-feed.js';

// ---------------------------------------------------------------- 1. settings

/** How often the counters are read: one point a second on the rate chart. */
const POLL_MS = 1000;
/** What the charts show: the last two minutes. */
const WINDOW_MS = 120_000;
/** A request that hangs (server frozen, network gone) must not stall the page. */
const FETCH_TIMEOUT_MS = 10_000;
/** Where the token is kept: this tab only, gone when it closes. */
const TOKEN_KEY = 'roomcast.admin.token';
const DEV_ADMIN_USER = 'admin';

// ---------------------------------------------------------------- 2. the token

/** A link may carry the token as admin.html#token=...: kept in the tab, then taken out of the address bar. */
function takeTokenFromLink() {
  const match = /^#token=(.+)$/.exec(window.location.hash);
  if (!match) return;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
  history.replaceState(null, '', window.location.pathname + window.location.search);
}

const storedToken = () => sessionStorage.getItem(TOKEN_KEY);

async function fetchWithTimeout(url, init = {}) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), FETCH_TIMEOUT_MS);
  try {
    return await fetch(url, { ...init, signal: abort.signal, cache: 'no-store' });
  } finally {
    clearTimeout(timer);
  }
}

/** The server's JSON error body ({"error","message"}), or null when the body is something else. */
async function errorBody(response) {
  try {
    const body = await response.json();
    return body && typeof body.error === 'string' ? body : null;
  } catch {
    return null;
  }
}

/** Why a token was refused, in words an operator can act on. */
function describeRefusal(status, body) {
  const detail = body ? ` (${status} ${body.error}: ${body.message})` : ` (${status})`;
  if (status === 401) {
    return `The server did not accept this token: it may have expired, or be signed with a key this server does not trust${detail}.`;
  }
  if (status === 403) {
    return `This token is valid but is not an administrator's: its claims lack "roomcast_admin": true${detail}.`;
  }
  return `The server refused the admin figures${detail}.`;
}

// ---------------------------------------------------------------- 3. the figures

const admin = {
  token: null,
  /** polling the overview and listening to /ws/status */
  running: false,
  pollTimer: null,
  /** the latest answer of /api/admin/overview */
  overview: null,
  /** the latest status frame */
  status: null,
  /** one point per overview answer: { t, connections, inRate, outRate } (rates null for the first) */
  points: [],
};

const statusFeed = new StatusFeed({
  url: statusUrl,
  onStatus: (frame) => { admin.status = frame; renderLive(); },
  onState: renderFeedState,
});

function statusUrl() {
  const url = new URL('ws/status', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  // Browsers cannot set an Authorization header on a WebSocket: the query parameter is the way.
  if (admin.token) url.searchParams.set('access_token', admin.token);
  return url.toString();
}

/** Starts with a token: the first answer decides between the dashboard and the gate. */
function begin(token) {
  stop();
  admin.token = token;
  admin.running = true;
  admin.points = [];
  admin.overview = null;
  admin.status = null;
  renderFeedState('connecting');
  poll();
}

function stop() {
  admin.running = false;
  clearTimeout(admin.pollTimer);
  admin.pollTimer = null;
  statusFeed.stop();
}

async function poll() {
  if (!admin.running) return;
  const token = admin.token;
  let response;
  try {
    response = await fetchWithTimeout('api/admin/overview', { headers: { Authorization: `Bearer ${token}` } });
  } catch {
    if (token !== admin.token || !admin.running) return;
    if (!admin.overview) showGate('The server did not answer. Trying again…', 'waiting');
    el.feedDetail.textContent = 'figures: the server does not answer, trying again';
    return schedulePoll();
  }
  if (token !== admin.token || !admin.running) return;
  if (response.status === 401 || response.status === 403) {
    const why = describeRefusal(response.status, await errorBody(response));
    forgetToken();
    showGate(why, 'refused');
    return;
  }
  if (!response.ok) {
    el.feedDetail.textContent = `figures: the server answered ${response.status}, trying again`;
    return schedulePoll();
  }
  let overview;
  try {
    overview = await response.json();
  } catch {
    return schedulePoll();
  }
  el.feedDetail.textContent = '';
  if (!admin.overview) {
    showDashboard();
    statusFeed.start();
  }
  addPoint(admin.overview, overview);
  admin.overview = overview;
  renderOverview();
  schedulePoll();
}

function schedulePoll() {
  if (admin.running) admin.pollTimer = setTimeout(poll, POLL_MS);
}

/** Rates from two answers' counters; none across a restart of the instance (its counters start again). */
function addPoint(previous, current) {
  const rate = (key) => {
    if (!previous || previous.instance !== current.instance) return null;
    const seconds = (current.timestamp - previous.timestamp) / 1000;
    const delta = current[key] - previous[key];
    return seconds > 0 && delta >= 0 ? delta / seconds : null;
  };
  admin.points.push({
    t: current.timestamp,
    connections: admin.status ? admin.status.connections : current.connections,
    inRate: rate('messagesIn'),
    outRate: rate('deliveries'),
  });
  const oldest = current.timestamp - WINDOW_MS;
  while (admin.points.length > 0 && admin.points[0].t < oldest) admin.points.shift();
}

function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  stop();
  admin.token = null;
  admin.overview = null;
}

async function getDevToken() {
  showGate('Asking the server for a dev admin token…', 'waiting');
  let response;
  try {
    response = await fetchWithTimeout('api/dev/tokens', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user: DEV_ADMIN_USER, admin: true }),
    });
  } catch {
    showGate('The server did not answer the token request.', 'refused');
    return;
  }
  if (response.status === 404) {
    showGate('Dev mode is off on this server, so it issues no tokens: use a token from your identity provider '
      + 'with the claim "roomcast_admin": true.', 'refused');
    return;
  }
  const body = await response.json().catch(() => null);
  if (!response.ok || !body || typeof body.token !== 'string') {
    showGate(`The server refused the token request (${response.status}).`, 'refused');
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, body.token);
  begin(body.token);
}

// ---------------------------------------------------------------- 4. charts

const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** A round top for the y axis: 1, 2 or 5 times a power of ten, at least the largest value. */
function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

const formatNumber = (n) => (n >= 100 || Number.isInteger(n) ? Math.round(n).toLocaleString('en') : n.toFixed(1));

/**
 * A line chart of the last WINDOW_MS on a canvas: each series is [{ t, v }], v null for no value.
 * The canvas carries what it shows as data attributes (peak, latest, points) for tests and tools.
 */
function drawChart(canvas, series, now) {
  const dpr = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || canvas.width;
  const height = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);

  const values = series.flatMap((s) => s.points.map((p) => p.v)).filter((v) => v !== null);
  const peak = values.length ? Math.max(...values) : 0;
  const top = niceMax(peak);
  const left = 44;
  const right = width - 8;
  const plotTop = 8;
  const bottom = height - 20;
  const x = (t) => left + ((t - (now - WINDOW_MS)) / WINDOW_MS) * (right - left);
  const y = (v) => bottom - (v / top) * (bottom - plotTop);

  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = cssVar('--muted');
  ctx.strokeStyle = cssVar('--chart-grid');
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const fraction of [0, 0.5, 1]) {
    const v = top * fraction;
    ctx.beginPath();
    ctx.moveTo(left, Math.round(y(v)) + 0.5);
    ctx.lineTo(right, Math.round(y(v)) + 0.5);
    ctx.stroke();
    ctx.fillText(formatNumber(v), left - 6, y(v));
  }
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'left';
  ctx.fillText('2 min ago', left, height - 4);
  ctx.textAlign = 'right';
  ctx.fillText('now', right, height - 4);

  for (const s of series) {
    ctx.strokeStyle = cssVar(s.color);
    ctx.lineWidth = 2;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    let drawing = false;
    for (const p of s.points) {
      if (p.v === null) { drawing = false; continue; }
      if (drawing) ctx.lineTo(x(p.t), y(p.v)); else ctx.moveTo(x(p.t), y(p.v));
      drawing = true;
    }
    ctx.stroke();
  }

  canvas.dataset.peak = String(peak);
  canvas.dataset.points = String(values.length);
  const latest = series.map((s) => { const last = s.points[s.points.length - 1]; return last ? last.v : null; });
  canvas.dataset.latest = latest.map((v) => (v === null ? '' : String(v))).join(',');
}

function drawCharts() {
  if (!admin.overview) return;
  const now = admin.overview.timestamp;
  drawChart(el.chartConnections, [
    { color: '--chart-in', points: admin.points.map((p) => ({ t: p.t, v: p.connections })) },
  ], now);
  drawChart(el.chartRates, [
    { color: '--chart-in', points: admin.points.map((p) => ({ t: p.t, v: p.inRate })) },
    { color: '--chart-out', points: admin.points.map((p) => ({ t: p.t, v: p.outRate })) },
  ], now);
}

// ---------------------------------------------------------------- 5. the page

const el = {};

function findElements() {
  for (const id of ['feed', 'feed-label', 'feed-detail', 'sign-out', 'gate', 'gate-message', 'token-form', 'token',
    'dev-token', 'dashboard', 'fig-connections', 'fig-rooms', 'fig-in-rate', 'fig-out-rate', 'fig-slow',
    'fig-refusals', 'chart-connections', 'chart-rates', 'rooms', 'rooms-empty', 'rooms-more', 'refusals',
    'instances', 'answering', 'fig-messages-in', 'fig-deliveries', 'fig-updated']) {
    el[id.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = document.getElementById(id);
  }
}

const FEED_WORDS = {
  offline: 'Not connected',
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  refused: 'No admin access',
};

function renderFeedState(state) {
  el.feed.dataset.state = state;
  el.feedLabel.textContent = FEED_WORDS[state] || state;
}

/** kind: 'none' (no token yet), 'waiting' or 'refused'. */
function showGate(message, kind) {
  el.dashboard.hidden = true;
  el.gate.hidden = false;
  el.signOut.hidden = true;
  el.gateMessage.textContent = message;
  el.gateMessage.dataset.kind = kind;
  renderFeedState(kind === 'refused' ? 'refused' : (kind === 'waiting' ? 'connecting' : 'offline'));
  if (kind !== 'waiting') el.feedDetail.textContent = '';
}

function showDashboard() {
  el.gate.hidden = true;
  el.dashboard.hidden = false;
  el.signOut.hidden = false;
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** Rows keyed by a data attribute, rebuilt only where they changed (no flicker, focus kept). */
function renderRows(tbody, rows) {
  const fresh = rows.map(({ key, attrs, cells }) => {
    const tr = document.createElement('tr');
    for (const [name, value] of Object.entries(attrs)) tr.dataset[name] = String(value);
    for (const { text, className } of cells) {
      const td = document.createElement('td');
      td.textContent = text;
      if (className) td.className = className;
      tr.append(td);
    }
    tr.dataset.key = key;
    return tr;
  });
  const same = fresh.length === tbody.children.length
    && fresh.every((tr, i) => tr.outerHTML === tbody.children[i].outerHTML);
  if (!same) tbody.replaceChildren(...fresh);
}

/** What the status stream says (connections, rooms, instances), or the overview until it speaks. */
function renderLive() {
  const o = admin.overview;
  if (!o) return;
  const s = admin.status;
  setText(el.figConnections, formatNumber(s ? s.connections : o.connections));
  setText(el.figRooms, formatNumber(s ? s.rooms : o.roomCount));
  const instances = s ? s.instances : o.instances;
  renderRows(el.instances, instances.map((i) => ({
    key: i.instance,
    attrs: { instance: i.instance, self: i.instance === o.instance },
    cells: [{ text: i.instance }, { text: formatNumber(i.connections), className: 'num' }],
  })));
}

function renderOverview() {
  const o = admin.overview;
  renderLive();
  const last = admin.points[admin.points.length - 1];
  setText(el.figInRate, last && last.inRate !== null ? formatNumber(last.inRate) : '–');
  setText(el.figOutRate, last && last.outRate !== null ? formatNumber(last.outRate) : '–');
  setText(el.figSlow, formatNumber(o.slowConsumerCloses));
  el.figSlow.dataset.alert = String(o.slowConsumerCloses > 0);
  const refusals = Object.entries(o.handshakeRefusals);
  setText(el.figRefusals, formatNumber(refusals.reduce((sum, [, n]) => sum + n, 0)));
  setText(el.figMessagesIn, formatNumber(o.messagesIn));
  setText(el.figDeliveries, formatNumber(o.deliveries));
  setText(el.figUpdated, new Date(o.timestamp).toLocaleTimeString());
  setText(el.answering, o.instance);

  renderRows(el.rooms, o.rooms.map((r) => ({
    key: r.room,
    attrs: { room: r.room, members: r.members },
    cells: [
      { text: String(r.room) },
      { text: formatNumber(r.members), className: 'num' },
      { text: r.users.length ? r.users.join(', ') : '(on other instances)', className: 'names' },
    ],
  })));
  el.roomsEmpty.hidden = o.rooms.length > 0;
  el.roomsMore.hidden = o.roomCount <= o.rooms.length;
  setText(el.roomsMore, `The ${o.rooms.length} largest of ${formatNumber(o.roomCount)} rooms.`);

  refusals.sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  renderRows(el.refusals, refusals.map(([code, count]) => ({
    key: code,
    attrs: { code, count },
    cells: [{ text: code }, { text: formatNumber(count), className: 'num' }],
  })));
  drawCharts();
}

function wireForms() {
  el.tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = el.token.value.trim().replace(/^Bearer\s+/i, '');
    if (!token) {
      showGate('Paste a token first: a JWT whose claims include "roomcast_admin": true.', 'refused');
      el.token.focus();
      return;
    }
    el.token.value = '';
    sessionStorage.setItem(TOKEN_KEY, token);
    showGate('Checking the token…', 'waiting');
    begin(token);
  });
  el.devToken.addEventListener('click', () => { getDevToken(); });
  el.signOut.addEventListener('click', () => {
    forgetToken();
    showGate('The token is forgotten. Give the page an admin token to see the figures again.', 'none');
  });
  window.addEventListener('resize', drawCharts);
}

function main() {
  findElements();
  wireForms();
  takeTokenFromLink();
  const token = storedToken();
  if (token) {
    showGate('Checking the token…', 'waiting');
    begin(token);
  } else {
    showGate('This page shows the live figures of the server to administrators only. Give it a token whose '
      + 'claims include "roomcast_admin": true (dev mode: the button below gets one).', 'none');
  }
}

main();
