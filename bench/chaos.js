#!/usr/bin/env node
'use strict';
// The clients of the chaos run (bench/chaos.sh starts the instances and runs this).
//
// JSON clients (/ws/auth, each its own user, so that a resent `ref` is de-duplicated), spread over
// the instances and over --rooms rooms (--per-room clients per room, round-robin over the
// instances: every room has members on every instance). Each client publishes --rate messages/s
// with a `ref`, keeps what is unacknowledged, and behaves as a real client: when its connection
// drops it reconnects (to the next instance in the list) with `since` = the last (epoch, offset) it
// saw, then resends every unacknowledged publish with the same ref; a publish unacknowledged after
// --ack-timeout s on a live connection is resent too.
//
// At --kill-at s, the clients of instance --victim lose it: with --kill-pid, this process sends
// SIGKILL to that PID (an instance chaos.sh started itself); without it (the control run), those
// clients drop their own sockets abruptly, which checks the measurement against a server that is
// right. Publishing stops at --duration s; then it waits (at most --drain s) until every publish is
// acknowledged and every member has every acknowledged message of its room, and prints the figures
// (JSON with --out). Exit code 0 only when nothing acknowledged was lost, nothing was seen twice and
// every reconnect recovered.
//
// With --phases stdin another process runs the timeline instead (bench/chaos-durable.sh: it kills
// and restarts instances and the database, all PIDs of its own): this process kills nothing and
// reads lines from stdin, `phase <name> [words]` marking the start of a phase (closes, recoveries,
// refusals and acks are counted per phase) and `stop` ending the publishing (or stdin's end, or
// --duration s as a bound). --state-file PATH is rewritten twice a second with one line,
// `ready=N clients=N recovering=N unacked=N publishing=0|1`, so that the timeline can await the
// clients (all joined, all recovered) instead of sleeping. A publish or a join refused with
// `unavailable` (the store's database is away) is sent again after a second, same ref, until it is
// acknowledged or joined.
const fs = require('fs');
const crypto = require('crypto');
const WebSocket = require('ws');

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2);
const opt = (name, dflt) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : dflt; };
const ports = String(opt('ports', '')).split(',').filter(Boolean).map(Number);
const killPid = opt('kill-pid') ? Number(opt('kill-pid')) : null;
const victim = Number(opt('victim', 1));
const ROOMS = Number(opt('rooms', 20));
const PER_ROOM = Number(opt('per-room', 3));
const RATE = Number(opt('rate', 2));                // messages/s per client
const DURATION_S = Number(opt('duration', 24));
const KILL_AT_S = Number(opt('kill-at', 10));
const DRAIN_S = Number(opt('drain', 15));
const ACK_TIMEOUT_S = Number(opt('ack-timeout', 5));
const ROOM_BASE = Number(opt('room-base', 1 + crypto.randomInt(1_000_000_000)));
const secret = opt('jwt-secret', process.env.ROOMCAST_JWT_SECRET);
const out = opt('out');
const PHASES_FROM_STDIN = opt('phases') === 'stdin';
const STATE_FILE = opt('state-file');
const RETRY_MS = 1000;                              // Retry-After of an `unavailable` (PROTOCOL 13.10, 14)
const RUN = crypto.randomBytes(3).toString('hex');  // user names unique per run: de-duplication keys outlive a run
if (!ports.length || !secret) {
  console.error('usage: node chaos.js --ports P1,P2,P3 --jwt-secret S [--kill-pid PID --victim 1] [--rooms 20 --per-room 3 --rate 2 --duration 30 --kill-at 12 --drain 30] [--out file.json]');
  process.exit(2);
}

const t0 = Date.now();
const now = () => Date.now() - t0;
const say = (line) => console.error(`[chaos +${(now() / 1000).toFixed(1)}s] ${line}`);
// The phase the run is in (--phases stdin); one phase, 'run', otherwise.
const phases = [{ name: 'run', at: 0 }];
const phaseNow = () => phases[phases.length - 1].name;

function b64url(buf) {
  return Buffer.from(buf).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}
function mintJwt(sub) {
  const iat = Math.floor(Date.now() / 1000);
  const h = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const p = b64url(JSON.stringify({ sub, iat, exp: iat + 3600 }));
  return `${h}.${p}.${b64url(crypto.createHmac('sha256', secret).update(`${h}.${p}`).digest())}`;
}

// ---------------------------------------------------------------- one client
class Client {
  constructor(index, room, group) {
    this.index = index;
    this.group = group;        // the third of the clients it belongs to (== its home instance with 3 instances)
    this.user = `chaos-${RUN}-${index}`;
    this.token = mintJwt(this.user);
    this.room = room;
    this.home = group % ports.length;  // index into ports of the instance it starts on
    this.at = this.home;       // where it is (or is trying to be) connected
    this.ws = null;
    this.ready = false;        // joined, and the replay (if any) asked for
    this.stopping = false;
    this.position = null;      // { epoch, offset }: the last message seen (or the joined reply's)
    this.epochs = [];          // every epoch seen, in order of first sight
    this.seen = [];            // every message event: { id, epoch, offset, ref, from }
    this.acks = new Map();     // ref -> { id, epoch, offset } (the last ack for that ref)
    this.ackIds = new Map();   // ref -> Set of ids acked for it (more than one: a resend published twice)
    this.unacked = new Map();  // ref -> { text, seq, sentAt }
    this.seq = 0;
    this.joins = [];           // { at, since, recovered, missed, reason, epoch, offset }
    this.closes = [];          // { at, code }
    this.errors = {};          // error code -> count
    this.resends = { reconnect: 0, timeout: 0, unavailable: 0 };
    this.refused = [];         // { at, phase, kind: 'message' | 'join' }: refused with `unavailable`
    this.joinSeq = 0;
    this.pendingJoinRef = null;
    this.recovery = null;      // { lostAt, missedLeft, joinedAt } while recovering
    this.recoveries = [];      // { ms, recovered, missed, reason, port }
    this.attempt = 0;
  }

  connect() {
    if (this.stopping) return;
    const port = ports[this.at];
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/auth`, { headers: { Authorization: `Bearer ${this.token}` }, handshakeTimeout: 5000 });
    this.ws = ws;
    ws.on('message', (data) => this.onFrame(JSON.parse(String(data))));
    ws.on('error', () => {});  // 'close' follows
    ws.on('close', (code) => { if (ws === this.ws) this.onClose(code); });
  }

  onClose(code) {
    this.ws = null;
    this.ready = false;
    if (this.stopping) return;
    this.closes.push({ at: now(), code, phase: phaseNow() });
    if (!this.recovery) this.recovery = { lostAt: now(), phase: phaseNow(), missedLeft: null, joinedAt: null };
    // A real client goes to another instance (behind a load balancer: whichever answers).
    this.at = (this.at + 1) % ports.length;
    const delay = Math.min(1000, 50 * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt += 1;
    setTimeout(() => this.connect(), delay);
  }

  send(frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  onFrame(f) {
    switch (f.type) {
      case 'welcome': this.join(); break;
      case 'joined': this.onJoined(f); break;
      case 'message': this.onMessage(f); break;
      case 'ack': {
        this.acks.set(f.ref, { id: f.id, epoch: f.epoch, offset: f.offset, at: now(), phase: phaseNow() });
        if (!this.ackIds.has(f.ref)) this.ackIds.set(f.ref, new Set());
        this.ackIds.get(f.ref).add(f.id);
        this.unacked.delete(f.ref);
        break;
      }
      case 'error': this.onError(f); break;
      default: break;
    }
  }

  join() {
    const since = this.position && this.position.epoch ? { ...this.position } : null;
    this.pendingSince = since;
    this.pendingJoinRef = `join-${this.user}-${++this.joinSeq}`;
    const ws = this.ws;
    this.send(since ? { type: 'join', room: this.room, since, ref: this.pendingJoinRef } : { type: 'join', room: this.room, ref: this.pendingJoinRef });
    return ws;
  }

  onError(f) {
    this.errors[f.code] = (this.errors[f.code] || 0) + 1;
    if (f.code !== 'unavailable' || f.ref == null) return;
    if (f.ref === this.pendingJoinRef) {
      // Not joined (the room's stream could not be read): try again on this connection, as after Retry-After.
      this.refused.push({ at: now(), phase: phaseNow(), kind: 'join' });
      const ws = this.ws;
      setTimeout(() => { if (ws === this.ws && !this.ready && !this.stopping) this.join(); }, RETRY_MS);
      return;
    }
    const p = this.unacked.get(f.ref);
    if (p) {
      // Nothing was stored: the same ref again after Retry-After, until acknowledged.
      this.refused.push({ at: now(), phase: phaseNow(), kind: 'message' });
      p.retryAt = now() + RETRY_MS;
    }
  }

  noteEpoch(epoch) {
    if (epoch != null && !this.epochs.includes(epoch)) this.epochs.push(epoch);
  }

  onJoined(f) {
    const since = this.pendingSince;
    this.pendingSince = null;
    this.pendingJoinRef = null;
    this.joins.push({ at: now(), phase: this.recovery ? this.recovery.phase : phaseNow(), port: ports[this.at], since, recovered: f.recovered, missed: f.missed, reason: f.reason || null, epoch: f.epoch, offset: f.offset });
    this.noteEpoch(f.epoch);
    if (!(since && f.recovered)) this.position = { epoch: f.epoch, offset: f.offset };  // live from offset + 1
    this.ready = true;
    this.attempt = 0;
    if (this.recovery) {
      this.recovery.joinedAt = now();
      this.recovery.recovered = Boolean(since && f.recovered);
      this.recovery.reason = f.reason || null;
      this.recovery.missed = f.missed;
      this.recovery.missedLeft = since && f.recovered ? f.missed : 0;
      this.finishRecoveryIfDone();
    }
    // Then what a real client does: resend what was never acknowledged, same ref, in order.
    for (const [ref, p] of [...this.unacked].sort((a, b) => a[1].seq - b[1].seq)) {
      if (p.sentAt !== null) this.resends.reconnect += 1;
      p.sentAt = now();
      p.retryAt = null;
      this.send({ type: 'message', room: this.room, text: p.text, ref });
    }
  }

  onMessage(f) {
    this.seen.push({ id: f.id, epoch: f.epoch, offset: f.offset, ref: f.ref, from: f.from, at: now(), port: ports[this.at] });
    this.noteEpoch(f.epoch);
    if (f.epoch != null && (!this.position || this.position.epoch !== f.epoch || f.offset > this.position.offset)) {
      this.position = { epoch: f.epoch, offset: f.offset };
    }
    if (this.recovery && this.recovery.missedLeft > 0) {
      this.recovery.missedLeft -= 1;
      this.finishRecoveryIfDone();
    }
  }

  /** Recovered: joined again, and the replayed messages are all here. */
  finishRecoveryIfDone() {
    const r = this.recovery;
    if (r.joinedAt === null || r.missedLeft > 0) return;
    this.recoveries.push({ ms: now() - r.lostAt, phase: r.phase, recovered: r.recovered, missed: r.missed, reason: r.reason, port: ports[this.at] });
    this.recovery = null;
  }

  publish() {
    const seq = ++this.seq;
    const ref = `${this.user}-${seq}`;
    const p = { text: `${this.user} says ${seq}`, seq, sentAt: null, retryAt: null };
    this.unacked.set(ref, p);
    if (this.ready) { p.sentAt = now(); this.send({ type: 'message', room: this.room, text: p.text, ref }); }
  }

  /**
   * An ack that does not come on a live connection, or a publish refused as `unavailable` a second
   * ago: resend (same ref), as a real client would.
   */
  resendOverdue() {
    if (!this.ready) return;
    for (const [ref, p] of this.unacked) {
      if (p.retryAt !== null && now() >= p.retryAt) {
        this.resends.unavailable += 1;
        p.sentAt = now();
        p.retryAt = null;
        this.send({ type: 'message', room: this.room, text: p.text, ref });
      } else if (p.retryAt === null && p.sentAt !== null && now() - p.sentAt > ACK_TIMEOUT_S * 1000) {
        this.resends.timeout += 1;
        p.sentAt = now();
        this.send({ type: 'message', room: this.room, text: p.text, ref });
      }
    }
  }

  stop() {
    this.stopping = true;
    if (this.ws) this.ws.close(1000);
  }
}

// ---------------------------------------------------------------- the run
const clients = [];
for (let r = 0; r < ROOMS; r++) {
  for (let k = 0; k < PER_ROOM; k++) {
    const index = clients.length;
    clients.push(new Client(index, ROOM_BASE + r, (r + k) % Math.max(3, ports.length)));
  }
}
// With several instances: the clients of the victim instance. With one (the control run): a third of them.
const victims = clients.filter((c) => c.group === victim);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(condition, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/** Every acknowledged message id of a room (from the acks of all its publishers). */
function ackedIds(room) {
  return new Set(ackedAt(room).keys());
}

/** id -> when its (first) ack came, for a room. */
function ackedAt(room) {
  const at = new Map();
  for (const c of clients) {
    if (c.room !== room) continue;
    for (const a of c.acks.values()) if (!at.has(a.id) || at.get(a.id) > a.at) at.set(a.id, a.at);
  }
  return at;
}

function converged() {
  if (clients.some((c) => c.unacked.size > 0 || !c.ready || c.recovery)) return false;
  for (let r = 0; r < ROOMS; r++) {
    const want = ackedIds(ROOM_BASE + r);
    for (const c of clients.filter((x) => x.room === ROOM_BASE + r)) {
      const got = new Set(c.seen.map((m) => m.id));
      for (const id of want) if (!got.has(id)) return false;
    }
  }
  return true;
}

/** `ready=N clients=N recovering=N unacked=N publishing=0|1`, replaced atomically (--state-file). */
function writeState(publishing) {
  if (!STATE_FILE) return;
  const line = `ready=${clients.filter((c) => c.ready).length} clients=${clients.length} `
    + `recovering=${clients.filter((c) => c.recovery).length} unacked=${clients.reduce((a, c) => a + c.unacked.size, 0)} publishing=${publishing ? 1 : 0}\n`;
  fs.writeFileSync(`${STATE_FILE}.tmp`, line);
  fs.renameSync(`${STATE_FILE}.tmp`, STATE_FILE);
}

/**
 * --phases stdin: `phase <name> [words]` lines mark phases until `stop` (or stdin's end, or
 * --duration s) ends the publishing.
 */
function phasesFromStdin() {
  return new Promise((resolve) => {
    const bound = setTimeout(() => { say(`no stop after ${DURATION_S} s: stopping`); resolve(); }, DURATION_S * 1000);
    const done = () => { clearTimeout(bound); resolve(); };
    let buffered = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const words = buffered.slice(0, nl).trim().split(/\s+/);
        buffered = buffered.slice(nl + 1);
        if (words[0] === 'phase' && words[1]) {
          phases.push({ name: words[1], at: now(), what: words.slice(2).join(' ') });
          say(`phase ${words[1]}${words.length > 2 ? `: ${words.slice(2).join(' ')}` : ''}`);
        } else if (words[0] === 'stop') {
          done();
        }
      }
    });
    process.stdin.on('end', done);
  });
}

async function main() {
  say(`${clients.length} clients in ${ROOMS} rooms (${ROOM_BASE}..${ROOM_BASE + ROOMS - 1}), ${PER_ROOM} per room over ports ${ports.join(',')}; `
    + (PHASES_FROM_STDIN ? `${RATE} msg/s each until stop (at most ${DURATION_S} s), phases from stdin`
      : `${RATE} msg/s each for ${DURATION_S} s; at ${KILL_AT_S} s ${killPid ? `SIGKILL to pid ${killPid} (port ${ports[victim]})` : `${victims.length} clients drop their sockets (control run)`}`));
  let publishing = false;
  const state = setInterval(() => writeState(publishing), 500);
  for (const c of clients) c.connect();
  if (!(await until(() => clients.every((c) => c.ready), 60_000))) {
    say(`only ${clients.filter((c) => c.ready).length}/${clients.length} clients joined in 60 s`);
    process.exit(1);
  }
  for (const c of clients) c.recoveries.length = 0;  // joining is not recovering
  const startedAt = now();
  publishing = true;
  writeState(publishing);
  say('all joined; publishing');
  const timers = clients.map((c) => {
    const period = 1000 / RATE;
    let timer;
    const first = setTimeout(() => { c.publish(); timer = setInterval(() => c.publish(), period); }, Math.random() * period);
    return () => { clearTimeout(first); clearInterval(timer); };
  });
  const overdue = setInterval(() => clients.forEach((c) => c.resendOverdue()), 500);

  let killAt;
  if (PHASES_FROM_STDIN) {
    await phasesFromStdin();
    killAt = phases.length > 1 ? phases[1].at : now();
  } else {
    await sleep(KILL_AT_S * 1000);
    killAt = now();
    phases.push({ name: killPid ? 'kill' : 'drop', at: killAt });
  }
  if (PHASES_FROM_STDIN) {
    // the timeline was another process's
  } else if (killPid) {
    say(`SIGKILL to pid ${killPid} (port ${ports[victim]}, ${victims.length} clients)`);
    process.kill(killPid, 'SIGKILL');
  } else {
    // Each publishes once more and drops at once, before the ack can come: the resend after the
    // reconnect must then be acknowledged as the same message (or published once if it never arrived).
    say(`${victims.length} clients publish and drop their sockets at once`);
    for (const c of victims) { c.publish(); if (c.ws) c.ws.terminate(); }
  }
  if (!PHASES_FROM_STDIN) await sleep(Math.max(0, startedAt + DURATION_S * 1000 - now()));
  timers.forEach((stop) => stop());
  publishing = false;
  const publishedFor = (now() - startedAt) / 1000;
  phases.push({ name: 'drain', at: now() });
  say(`publishing stopped; waiting (at most ${DRAIN_S} s) for every ack and every acknowledged message`);
  const drained = await until(converged, DRAIN_S * 1000);
  clearInterval(overdue);
  clearInterval(state);
  writeState(false);
  say(drained ? 'converged' : `not converged after ${DRAIN_S} s: figures as they stand`);
  clients.forEach((c) => c.stop());
  const report = figures({ killAt, publishedFor, drained });
  print(report);
  if (out) fs.writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  await sleep(300);
  process.exit(report.ok ? 0 : 1);
}

// ---------------------------------------------------------------- figures
function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function figures({ killAt, publishedFor, drained }) {
  const rooms = [];
  const problems = [];
  let lost = 0; let lostBeforeKill = 0; let dupById = 0; let dupByOffset = 0; let gaps = 0; let offsetDisagreements = 0; let resentTwice = 0; let unackedSeen = 0;
  for (let r = 0; r < ROOMS; r++) {
    const room = ROOM_BASE + r;
    const members = clients.filter((c) => c.room === room);
    const ackTimes = ackedAt(room);
    const acked = new Set(ackTimes.keys());
    const ackedRefs = new Set(members.flatMap((c) => [...c.acks.keys()]));
    // a ref published as more than one message: acked with two ids, or seen with two ids
    const idsByRef = new Map();
    for (const c of members) {
      for (const [ref, ids] of c.ackIds) for (const id of ids) (idsByRef.get(ref) || idsByRef.set(ref, new Set()).get(ref)).add(id);
      for (const m of c.seen) if (m.ref) (idsByRef.get(m.ref) || idsByRef.set(m.ref, new Set()).get(m.ref)).add(m.id);
    }
    let twice = 0;
    for (const ids of idsByRef.values()) twice += ids.size - 1;
    resentTwice += twice;
    // the same message id with different (epoch, offset) for different members
    const placeById = new Map();
    let disagree = 0;
    for (const c of members) {
      for (const m of c.seen) {
        const place = `${m.epoch}/${m.offset}`;
        if (!placeById.has(m.id)) placeById.set(m.id, place); else if (placeById.get(m.id) !== place) disagree += 1;
      }
    }
    offsetDisagreements += disagree;
    const perMember = members.map((c) => {
      const ids = c.seen.map((m) => m.id);
      const distinct = new Set(ids);
      const places = c.seen.filter((m) => m.epoch != null).map((m) => `${m.epoch}/${m.offset}`);
      const distinctPlaces = new Set(places);
      let missing = 0;
      for (const id of acked) {
        if (distinct.has(id)) continue;
        missing += 1;
        if (ackTimes.get(id) < killAt) lostBeforeKill += 1;
      }
      // offsets skipped within an epoch: from the first joined reply of that epoch (or the first
      // message seen in it) to the last message seen in it
      let skipped = 0;
      for (const epoch of c.epochs) {
        const offsets = [...new Set(c.seen.filter((m) => m.epoch === epoch).map((m) => m.offset))].sort((a, b) => a - b);
        if (!offsets.length) continue;
        const join = c.joins.find((j) => j.epoch === epoch);
        const from = join ? Math.min(join.offset, offsets[0] - 1) : offsets[0] - 1;
        skipped += (offsets[offsets.length - 1] - from) - offsets.length;
      }
      unackedSeen += c.seen.filter((m) => m.ref && m.ref.startsWith(`chaos-${RUN}-`) && !ackedRefs.has(m.ref)).length;
      lost += missing; dupById += ids.length - distinct.size; dupByOffset += places.length - distinctPlaces.size; gaps += skipped;
      return { client: c.index, user: c.user, home_port: ports[c.home], port_at_end: ports[c.at], seen: distinct.size, missing_acked: missing, dup_by_id: ids.length - distinct.size, dup_by_offset: places.length - distinctPlaces.size, offsets_skipped: skipped, epochs: c.epochs.length };
    });
    rooms.push({ room, acked: acked.size, members: perMember, published_twice: twice, offset_disagreements: disagree });
    // What a reader needs to tell a server bug from a measuring one: every anomaly with its context.
    for (const c of members) {
      const byId = new Map();
      for (const m of c.seen) (byId.get(m.id) || byId.set(m.id, []).get(m.id)).push(m);
      for (const [id, ms] of byId) if (ms.length > 1) problems.push({ kind: 'seen twice', room, client: c.index, id, copies: ms, joins: c.joins, closes: c.closes });
      const got = new Set(c.seen.map((m) => m.id));
      for (const id of acked) {
        if (got.has(id)) continue;
        const ack = members.flatMap((x) => [...x.acks.entries()].map(([ref, a]) => ({ ref, ...a, by: x.index }))).find((a) => a.id === id);
        problems.push({ kind: 'acknowledged, not seen', room, client: c.index, ack, joins: c.joins, closes: c.closes });
      }
    }
    for (const [ref, ids] of idsByRef) {
      if (ids.size < 2) continue;
      const copies = members.flatMap((x) => x.seen.filter((m) => m.ref === ref).map((m) => ({ ...m, client: x.index })));
      const acks = members.flatMap((x) => (x.ackIds.has(ref) ? [{ client: x.index, ids: [...x.ackIds.get(ref)], last: x.acks.get(ref) }] : []));
      problems.push({ kind: 'one ref published twice', room, ref, acks, copies });
    }
  }
  const reconnectJoins = clients.flatMap((c) => c.joins.filter((j) => j.since));
  const reasons = {};
  for (const j of reconnectJoins) if (!j.recovered) reasons[j.reason] = (reasons[j.reason] || 0) + 1;
  const recoveries = clients.flatMap((c) => c.recoveries);
  const times = recoveries.map((r) => r.ms).sort((a, b) => a - b);
  const closes = {};
  for (const c of clients) for (const x of c.closes) closes[x.code] = (closes[x.code] || 0) + 1;
  const errors = {};
  for (const c of clients) for (const [k, v] of Object.entries(c.errors)) errors[k] = (errors[k] || 0) + v;
  const published = clients.reduce((a, c) => a + c.seq, 0);
  const acked = clients.reduce((a, c) => a + c.acks.size, 0);
  const unacked = clients.reduce((a, c) => a + c.unacked.size, 0);
  const epochChanges = clients.reduce((a, c) => a + Math.max(0, c.epochs.length - 1), 0);
  const recoveredTrue = reconnectJoins.filter((j) => j.recovered).length;
  const r = {
    run: RUN, ports, kill_pid: killPid, victim_port: killPid ? ports[victim] : null, kill_at_s: killAt / 1000, published_for_s: publishedFor,
    clients: clients.length, rooms: ROOMS, per_room: PER_ROOM, rate_per_client: RATE, drained,
    published, acknowledged: acked, unacknowledged_at_end: unacked,
    resends: clients.reduce((a, c) => ({ reconnect: a.reconnect + c.resends.reconnect, timeout: a.timeout + c.resends.timeout, unavailable: a.unavailable + c.resends.unavailable }), { reconnect: 0, timeout: 0, unavailable: 0 }),
    refused_unavailable: { message: clients.reduce((a, c) => a + c.refused.filter((x) => x.kind === 'message').length, 0), join: clients.reduce((a, c) => a + c.refused.filter((x) => x.kind === 'join').length, 0) },
    lost_acknowledged: lost, lost_acknowledged_before_kill: lostBeforeKill, offsets_skipped: gaps, duplicates_by_id: dupById, duplicates_by_offset: dupByOffset,
    published_twice_by_ref: resentTwice, offset_disagreements: offsetDisagreements, delivered_never_acknowledged: unackedSeen,
    reconnect_joins: reconnectJoins.length, recovered_true: recoveredTrue, recovered_false: reconnectJoins.length - recoveredTrue, recovered_false_reasons: reasons,
    clients_whose_epoch_changed: clients.filter((c) => c.epochs.length > 1).length, epoch_changes: epochChanges,
    recoveries: recoveries.length, recovery_ms: { p50: percentile(times, 50), p99: percentile(times, 99), max: times.length ? times[times.length - 1] : null },
    closes_by_code: closes, errors_by_code: errors, phases: phaseFigures(reconnectJoins, recoveries), rooms_detail: rooms, problems: problems.slice(0, 50),
  };
  r.ok = drained && lost === 0 && dupById === 0 && dupByOffset === 0 && gaps === 0 && resentTwice === 0
    && offsetDisagreements === 0 && unacked === 0 && r.recovered_false === 0 && epochChanges === 0 && r.reconnect_joins > 0;
  return r;
}

/** What happened in each phase: acks, refusals, closes, reconnects (by the phase the connection was lost in), recovery times. */
function phaseFigures(reconnectJoins, recoveries) {
  return phases.map((p, k) => {
    const until = k + 1 < phases.length ? phases[k + 1].at : null;
    const times = recoveries.filter((r) => r.phase === p.name).map((r) => r.ms).sort((a, b) => a - b);
    const joins = reconnectJoins.filter((j) => j.phase === p.name);
    return {
      name: p.name, what: p.what || null, from_s: p.at / 1000, until_s: until === null ? null : until / 1000,
      acknowledged: clients.reduce((a, c) => a + [...c.acks.values()].filter((x) => x.phase === p.name).length, 0),
      refused_unavailable: clients.reduce((a, c) => a + c.refused.filter((x) => x.phase === p.name).length, 0),
      closes: clients.reduce((a, c) => a + c.closes.filter((x) => x.phase === p.name).length, 0),
      reconnect_joins: joins.length, recovered_true: joins.filter((j) => j.recovered).length, recovered_false: joins.filter((j) => !j.recovered).length,
      recovery_ms: { n: times.length, p50: percentile(times, 50), p99: percentile(times, 99), max: times.length ? times[times.length - 1] : null },
    };
  });
}

function print(r) {
  const line = (s) => console.log(s);
  const events = PHASES_FROM_STDIN ? `phases ${r.phases.map((p) => p.name).join(', ')}`
    : `${r.kill_pid ? `SIGKILL to pid ${r.kill_pid} (port ${r.victim_port})` : 'control: a third of the sockets dropped'} at ${r.kill_at_s.toFixed(1)} s`;
  line(`chaos run ${r.run}: ${r.clients} clients, ${r.rooms} rooms x ${r.per_room}, ${r.rate_per_client} msg/s each for ${r.published_for_s.toFixed(0)} s; ${events}`);
  line(`published ${r.published}, acknowledged ${r.acknowledged}, unacknowledged at the end ${r.unacknowledged_at_end}; resent after reconnect ${r.resends.reconnect}, after ack timeout ${r.resends.timeout}, after unavailable ${r.resends.unavailable}`);
  line(`refused as unavailable: publishes ${r.refused_unavailable.message}, joins ${r.refused_unavailable.join}`);
  line('phases (reconnects and recoveries counted in the phase the connection was lost in):');
  for (const p of r.phases) {
    line(`  ${p.name.padEnd(12)} from ${p.from_s.toFixed(1)} s${p.until_s === null ? '' : ` to ${p.until_s.toFixed(1)} s`}: acked ${p.acknowledged}, refused unavailable ${p.refused_unavailable}, closes ${p.closes}, `
      + `reconnect joins ${p.reconnect_joins} (recovered true ${p.recovered_true}, false ${p.recovered_false}), recovery p50 ${p.recovery_ms.p50} ms p99 ${p.recovery_ms.p99} ms max ${p.recovery_ms.max} ms${p.what ? ` [${p.what}]` : ''}`);
  }
  line('messages each client saw per room after recovery (acknowledged in the room: seen by each member, home port):');
  for (const room of r.rooms_detail) {
    line(`  room ${room.room}: acked ${room.acked}; seen ${room.members.map((m) => `${m.seen}${m.missing_acked ? ` (-${m.missing_acked})` : ''}@${m.home_port}`).join(' ')}`);
  }
  const first = PHASES_FROM_STDIN ? `the first phase (${r.phases[1] ? r.phases[1].name : 'none'})` : 'the kill';
  line(`lost (acknowledged, not seen by a member): ${r.lost_acknowledged} (acknowledged before ${first} ${r.lost_acknowledged_before_kill}, after ${r.lost_acknowledged - r.lost_acknowledged_before_kill})`);
  line(`gaps (offsets skipped within an epoch): ${r.offsets_skipped}`);
  line(`duplicates: by id ${r.duplicates_by_id}, by offset ${r.duplicates_by_offset}, one ref published as two messages ${r.published_twice_by_ref}`);
  line(`one message at different (epoch, offset) for different members: ${r.offset_disagreements}; delivered but never acknowledged: ${r.delivered_never_acknowledged}`);
  line(`reconnect joins with since: ${r.reconnect_joins}; recovered true ${r.recovered_true}, false ${r.recovered_false} ${JSON.stringify(r.recovered_false_reasons)}`);
  line(`epochs changed: ${r.epoch_changes} (clients affected ${r.clients_whose_epoch_changed})`);
  line(`recovery time (connection lost -> joined and replay received), ${r.recoveries} recoveries: p50 ${r.recovery_ms.p50} ms, p99 ${r.recovery_ms.p99} ms, max ${r.recovery_ms.max} ms`);
  line(`closes by code (failed reconnect attempts included) ${JSON.stringify(r.closes_by_code)}, errors by code ${JSON.stringify(r.errors_by_code)}`);
  if (r.problems.length) line(`${r.problems.length} anomalies with their context (joins, closes, copies): "problems" in chaos.json`);
  line(r.ok ? 'RESULT: ok (0 lost, 0 duplicates, every reconnect recovered)' : 'RESULT: problems above');
}

main().catch((err) => { console.error(err); process.exit(1); });
