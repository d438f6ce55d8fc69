/*
 * Roomcast demo chat: the feed of the status panel, /ws/status kept open (PROTOCOL 3.3).
 *
 * Not roomcast.js's job: /ws/status is not a rooms endpoint. It sends no welcome (roomcast.js
 * takes a socket without one for dead), there is nothing to join and nothing to send. So it has
 * this small loop of its own: roomcast.js's backoff schedule with the same jitter, and a watchdog
 * on the heartbeats the server sends on every session (PROTOCOL 4).
 *
 * No DOM here: node --test runs it with a scripted socket (src/test/e2e/status-feed.test.mjs).
 */
import { DEFAULT_BACKOFF_MS } from './roomcast.js';

/** Until the chat's welcome says otherwise, the protocol's default heartbeat. */
const DEFAULT_HEARTBEAT_S = 30;
/** 2.5 heartbeat intervals of silence: the link is dead even if the browser has not noticed. */
const DEAD_AFTER_INTERVALS = 2.5;
/** The server sends the figures on open: a socket silent this long after opening is no use. */
const FIRST_FRAME_TIMEOUT_MS = 10000;
/** A connection that lasted this long was a success: the next failure starts the backoff afresh. */
const STABLE_AFTER_MS = 10000;
const WATCHDOG_MS = 250;

/** States: 'connecting' (never live yet), 'live' (figures arrive), 'reconnecting' (lost, retrying). */
export class StatusFeed {
  /**
   * @param {object} options
   * @param {() => Promise<string>|string} options.url  the URL of each attempt (it may carry a fresh token)
   * @param {(status: object) => void} options.onStatus  every status frame
   * @param {(state: string) => void} options.onState   every change of state
   * @param {typeof WebSocket} [options.WebSocket]       where there is no global one (tests)
   * @param {readonly number[]} [options.backoff]        reconnect delays in ms; the last one repeats
   */
  constructor(options) {
    this.options = options;
    this.WebSocketImpl = options.WebSocket || globalThis.WebSocket;
    this.backoff = options.backoff || DEFAULT_BACKOFF_MS;
    this.heartbeatS = DEFAULT_HEARTBEAT_S;
    this.running = false;
    this.state = null;
    this.ws = null;
    this.live = false;
    this.everLive = false;
    this.liveSince = 0;
    this.lastFrameAt = 0;
    this.attempt = 0;
    this.retryTimer = null;
    this.watchdog = null;
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.open();
  }

  /** Closes the feed for good. */
  stop() {
    this.running = false;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.forget();
  }

  /** Skips what is left of the backoff wait; false when there is none. */
  retryNow() {
    if (this.retryTimer === null) return false;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.open();
    return true;
  }

  /** The server's heartbeat interval in seconds (from the chat's welcome: it is the same timer). */
  setHeartbeatInterval(seconds) {
    if (Number.isFinite(seconds) && seconds > 0) this.heartbeatS = seconds;
  }

  async open() {
    this.setState(this.everLive ? 'reconnecting' : 'connecting');
    let url;
    try {
      url = await this.options.url();
    } catch {
      return this.retry();
    }
    if (!this.running) return;
    const ws = new this.WebSocketImpl(url);
    this.ws = ws;
    this.live = false;
    this.lastFrameAt = Date.now();
    ws.onmessage = (event) => this.onFrame(ws, event.data);
    ws.onclose = () => { if (ws === this.ws) this.lost(); };
    this.watchdog = setInterval(() => this.checkPulse(ws), WATCHDOG_MS);
  }

  onFrame(ws, data) {
    if (ws !== this.ws) return;
    this.lastFrameAt = Date.now();  // a heartbeat's arrival is all it has to say
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (!frame || frame.type !== 'status') return;
    if (!this.live) {
      this.live = true;
      this.everLive = true;
      this.liveSince = Date.now();
      this.setState('live');
    }
    this.options.onStatus(frame);
  }

  checkPulse(ws) {
    if (ws !== this.ws) return;
    const silentMs = Date.now() - this.lastFrameAt;
    const limitMs = this.live ? DEAD_AFTER_INTERVALS * this.heartbeatS * 1000 : FIRST_FRAME_TIMEOUT_MS;
    if (silentMs > limitMs) this.lost();
  }

  /** The socket is gone or given up on: forget it, then plan the next attempt. */
  lost() {
    if (this.live && Date.now() - this.liveSince >= STABLE_AFTER_MS) this.attempt = 0;
    this.forget();
    this.retry();
  }

  /** Forgets the socket first, so that its late events are ignored, then closes it. */
  forget() {
    const ws = this.ws;
    this.ws = null;
    this.live = false;
    clearInterval(this.watchdog);
    this.watchdog = null;
    if (!ws) return;
    ws.onmessage = ws.onclose = null;
    try {
      ws.close();
    } catch {
      // already closed
    }
  }

  /** Between half and all of the schedule's step, as roomcast.js does: the herd spreads out. */
  retry() {
    if (!this.running) return;
    const step = this.backoff[Math.min(this.attempt, this.backoff.length - 1)];
    this.attempt += 1;
    const delay = step / 2 + Math.random() * (step / 2);
    this.setState(this.everLive ? 'reconnecting' : 'connecting');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.open();
    }, delay);
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.options.onState(state);
  }
}
