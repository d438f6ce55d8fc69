#!/usr/bin/env node
'use strict';
// Roomcast load generator (Node.js + ws). Loopback only; every loop is bounded
// in count and time; the process stops by itself (hard deadline).
//
//   node loadgen.js <scenario> [--option value ...]
//
// Scenarios (see --help): fanout, connections, handshakes, echo, acks.
// Prints one JSON document on stdout (progress goes to stderr); --out FILE
// also writes it to a file.

const fs = require('fs');
const http = require('http');
const crypto = require('crypto');
const { fork } = require('child_process');
const { monitorEventLoopDelay } = require('perf_hooks');
const WebSocket = require('ws');
const S = require('./lib/stats');

const HELP = `usage: node loadgen.js <scenario> [options]

common options
  --host 127.0.0.1        server address (must be in 127.0.0.0/8)
  --port 18080            server port, or a comma list of the ports of clustered
                          instances (fanout: every room's members and the
                          publishers split over them; connections: round robin;
                          handshakes, echo: round robin)
  --server-pid PID        server process: CPU (utime+stime), RSS, JVM heap; a
                          comma list (same order as --port) sums them
  --src 8                 spread client sockets over source addresses
                          127.0.0.1 .. 127.0.0.<src> (ephemeral port space)
  --label TEXT            copied into the JSON output
  --out FILE              also write the JSON result to FILE
  --max-time 300          hard deadline in seconds for the whole run

fanout       R rooms x M members on /ws/chat/{room}; P publishers at a fixed
             total rate; every member (sender included) receives each message
  --rooms 100 --members 10 --publishers <R, or 10 when R=1>
  --rate 20000            offered deliveries/s (= messages/s x members);
                          a comma list runs steps on the same connections
  --warmup 2 --duration 5 seconds per step (warmup messages not counted)
  --size 64               payload bytes per message (>= header)
  --drain 5               seconds to wait for stragglers after each step
  --stop-on-fail          stop stepping once loss > 0 or p99 >= --slo-ms
  --always-until RATE     ... but never before reaching RATE
  --must-rates LIST       after a failed step, run only these rates
  --drain-max 15          extra seconds a slow drain may take; what has not
                          arrived by then counts as lost
  --slo-ms 100
  --messages K            count-bounded: send exactly K messages per step
                          (no warmup; the step lasts K / messages-per-s)
  --sync-timeout 30       several ports: wait (at most this many s) until every
                          instance's /api/status counts all members of the
                          bench rooms before the first step

connections  N idle /ws/chat connections held S seconds (server pings on);
             several worker processes (per-process fd limit 20,000)
  --connections 1000 --hold 10 --rooms 100 --procs <ceil(N/9000)>
  --concurrency 256       in-flight connects per worker
  --connect-timeout 120   seconds the connect phase may take
  --histogram             JVM only: keep the top of GC.class_histogram
  --status-check          during the hold, GET /api/status from every port and
                          check each reports the cluster-wide total (= opened)
  --status-timeout 30     ... polling for at most this many s (propagation)

handshakes   repeated connect-open-close cycles, C in flight
  --path /ws/auth         or /ws/chat/1 etc.
  --auth jwt|none         jwt: Authorization: Bearer from POST /api/dev/tokens,
                          else HS256 minted here with --jwt-secret
                          (default env ROOMCAST_JWT_SECRET)
  --tokens 1000           distinct tokens (users bench-0..)
  --duration 5 --concurrency 64 --max-connects 200000

echo         C clients, each alone in its room; closed loop send -> echo
  --clients 50 --duration 5 --warmup 1 --size 64

acks         acknowledged publishes (PROTOCOL 9.3): C JSON clients on /ws/auth
             (HS256 tokens minted with --jwt-secret, default env
             ROOMCAST_JWT_SECRET; one user each), each alone in K rooms,
             publishing message frames with a ref at a fixed total rate
             (open loop); counts acks, publish-to-ack latency, errors
  --clients 50 --rooms-per-client 10
  --rate 2000             offered publishes/s; a comma list runs steps
  --warmup 2 --duration 5 --size 64 --drain 5 --drain-max 15
  --until-plateau         stop stepping once acked/s rises less than
                          --plateau-gain (0.05) over the best step, or a step
                          is not sustained (p99 >= --slo-ms, unacked, errors)
  --slo-ms 1000
  --max-in-flight 50000   unacknowledged publishes at most; beyond it the
                          step holds back (counted) instead of queueing
`;

// ---------------------------------------------------------------- options
function parseArgs(argv) {
  const o = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const k = a.slice(2);
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) o[k] = true;
      else {
        o[k] = next;
        i++;
      }
    } else o._.push(a);
  }
  return o;
}
const args = parseArgs(process.argv.slice(2));
const num = (k, d) => (args[k] === undefined ? d : Number(args[k]));
const log = (...m) => process.stderr.write(`[loadgen ${new Date().toISOString().slice(11, 19)}] ${m.join(' ')}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const r3 = (v) => (v === null || v === undefined || !isFinite(v) ? null : Math.round(v * 1000) / 1000);

const HOST = args.host || '127.0.0.1';
if (!/^127\.\d+\.\d+\.\d+$/.test(HOST) && HOST !== 'localhost') {
  console.error('refusing: only loopback targets (127.0.0.0/8) are allowed');
  process.exit(2);
}
// --port and --server-pid take one value or a comma list (clustered instances)
const listOf = (v) => String(v).split(',').map((x) => x.trim()).filter(Boolean).map(Number);
const PORTS = args.port === undefined ? [18080] : listOf(args.port);
if (!PORTS.length || PORTS.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
  console.error(`bad --port ${args.port}: a port or a comma list of ports`);
  process.exit(2);
}
const PORT = PORTS[0];
const SERVER_PIDS = args['server-pid'] && args['server-pid'] !== true ? listOf(args['server-pid']) : [];
if (SERVER_PIDS.some((p) => !Number.isInteger(p) || p < 1)) {
  console.error(`bad --server-pid ${args['server-pid']}: a pid or a comma list of pids`);
  process.exit(2);
}
const SERVER_PID = SERVER_PIDS.length ? SERVER_PIDS[0] : null;
const MULTI_PID = SERVER_PIDS.length > 1;
// what serverSnapshot() gets: one pid (single-process shape) or all of them (sums)
const SNAP_PIDS = MULTI_PID ? SERVER_PIDS : SERVER_PID;
const SRC_COUNT = Math.max(1, Math.min(250, num('src', 8)));
const srcAddr = (i) => `127.0.0.${1 + (i % SRC_COUNT)}`;
const NCPU = require('os').cpus().length;
const WS_OPTS = { perMessageDeflate: false, handshakeTimeout: 15000, maxPayload: 1 << 20 };

function roomBase() {
  // a fresh range of room ids per run so steps/scenarios never share rooms
  return 1000000 + Math.floor(Math.random() * 1000000) * 100;
}

/** Socket i goes to `port` if given, else round robin over the ports. */
function openWs(path, i, extra, port) {
  const p = port === undefined ? PORTS[i % PORTS.length] : port;
  return new WebSocket(`ws://${HOST}:${p}${path}`, { ...WS_OPTS, localAddress: srcAddr(i), ...(extra || {}) });
}

/**
 * Open n sockets with at most `conc` connects in flight; socket i goes to
 * portOf(i) (default: round robin over the ports), with extraOf(i)'s ws options
 * (e.g. handshake headers). Returns {sockets, failures}.
 */
async function openMany(n, conc, pathOf, setup, deadlineMs, portOf, extraOf) {
  const sockets = new Array(n);
  const failures = {};
  let next = 0;
  let opened = 0;
  const deadline = Date.now() + deadlineMs;
  await new Promise((resolve) => {
    let inFlight = 0;
    let done = 0;
    const finish = () => {
      done++;
      inFlight--;
      if (done === n) resolve();
      else pump();
    };
    const pump = () => {
      while (inFlight < conc && next < n) {
        if (Date.now() > deadline) {
          failures.deadline = (failures.deadline || 0) + (n - next);
          done += n - next;
          next = n;
          if (done === n && inFlight === 0) resolve();
          return;
        }
        const i = next++;
        inFlight++;
        const ws = openWs(pathOf(i), i, extraOf ? extraOf(i) : undefined, portOf ? portOf(i) : undefined);
        let settled = false;
        ws.on('open', () => {
          if (settled) return;
          settled = true;
          sockets[i] = ws;
          opened++;
          finish();
        });
        let failedEarly = false;
        ws.on('unexpected-response', (req, res) => {
          if (settled) return;
          settled = true;
          failedEarly = true;
          const k = `http_${res.statusCode}`;
          failures[k] = (failures[k] || 0) + 1;
          req.destroy();
          finish();
        });
        ws.on('error', (e) => {
          if (settled) return;
          settled = true;
          const k = e.code || e.message.slice(0, 40);
          failures[k] = (failures[k] || 0) + 1;
          finish();
        });
        if (setup) setup(ws, i);
      }
    };
    if (n === 0) resolve();
    else pump();
  });
  return { sockets, opened, failures };
}

async function closeAll(sockets, ms) {
  const live = sockets.filter((ws) => ws && ws.readyState !== WebSocket.CLOSED);
  await Promise.race([
    Promise.all(
      live.map(
        (ws) =>
          new Promise((res) => {
            ws.once('close', res);
            try {
              ws.close(1000, 'bench done');
            } catch (e) {
              res();
            }
          })
      )
    ),
    sleep(ms),
  ]);
  for (const ws of live) if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
}

function loadgenCpu(prev) {
  const u = process.cpuUsage(prev);
  return (u.user + u.system) / 1e6;
}

// Byte-level parser for "<prefix>: <kind> <a> <b> <c> <flag> ..." (no string
// allocation per message). Returns false if the frame is not ours.
const P = { kind: 0, a: 0, b: 0, c: 0, flag: 0 };
function parseTagged(buf) {
  let i = buf.indexOf(58); // ':'
  if (i < 0 || i + 3 >= buf.length) return false;
  i += 2;
  P.kind = buf[i];
  i += 2;
  let v = 0;
  let c;
  while (i < buf.length && (c = buf[i]) !== 32) { v = v * 10 + (c - 48); i++; }
  P.a = v; v = 0; i++;
  while (i < buf.length && (c = buf[i]) !== 32) { v = v * 10 + (c - 48); i++; }
  P.b = v; v = 0; i++;
  while (i < buf.length && (c = buf[i]) !== 32) { v = v * 10 + (c - 48); i++; }
  P.c = v; i++;
  P.flag = i < buf.length ? buf[i] : 0;
  return true;
}

function padTo(s, size) {
  return s.length >= size ? s : s + ' ' + 'x'.repeat(Math.max(0, size - s.length - 1));
}

/**
 * Live heap of the JVM server(s) (jcmd). Several pids: usedKb is the sum over
 * the JVMs (null if one could not be read), `per` the figure of each.
 */
function heapSnapshot(gc) {
  if (!MULTI_PID) {
    if (!SERVER_PID || !S.isJvm(SERVER_PID)) return null;
    return S.jvmHeap(SERVER_PID, gc);
  }
  const jvms = SERVER_PIDS.filter((pid) => S.isJvm(pid));
  if (!jvms.length) return null;
  const per = jvms.map((pid) => ({ pid, h: S.jvmHeap(pid, gc) }));
  const ok = per.every((x) => x.h);
  return {
    usedKb: ok ? per.reduce((s, x) => s + x.h.usedKb, 0) : null,
    raw: per.map((x) => `pid ${x.pid}: ${x.h ? x.h.raw : 'jcmd failed'}`).join(' || '),
    per: per.map((x) => ({ pid: x.pid, usedKb: x.h ? x.h.usedKb : null })),
  };
}

// ---------------------------------------------------------------- cluster status
/** GET http://HOST:port/api/status (bounded); {status, body} or {error}. */
async function getStatus(port) {
  try {
    const res = await fetch(`http://${HOST}:${port}/api/status`, { signal: AbortSignal.timeout(5000) });
    const text = await res.text();
    if (res.status !== 200) return { error: `HTTP ${res.status}` };
    return { body: JSON.parse(text) };
  } catch (e) {
    return { error: String((e && (e.cause && e.cause.code)) || (e && e.name) || e).slice(0, 60) };
  }
}

/**
 * Polls /api/status of every port until `accept(row)` holds for all of them,
 * or `settled(rows)` says waiting longer is pointless, or `timeoutS` passed
 * (one round at least; rounds `everyMs` apart). A row per port: the
 * cluster-wide connections it reports, its instance rows, the number of rooms
 * and the members it counts in rooms [base, base + rooms).
 */
async function pollStatus(base, rooms, accept, timeoutS, settled, everyMs) {
  const t0 = Date.now();
  const deadline = t0 + timeoutS * 1000;
  let rows = [];
  let polls = 0;
  for (;;) {
    polls++;
    rows = await Promise.all(
      PORTS.map(async (port) => {
        const r = await getStatus(port);
        if (r.error) return { port, error: r.error };
        const b = r.body;
        const roomList = Array.isArray(b.rooms) ? b.rooms : [];
        let benchMembers = 0;
        for (const x of roomList) if (x.room >= base && x.room < base + rooms) benchMembers += x.members;
        const instances = Array.isArray(b.instances) ? b.instances.map((x) => ({ instance: x.instance, connections: x.connections })) : null;
        return {
          port,
          instance: b.instance === undefined ? null : b.instance,
          connections: b.connections,
          instances,
          instances_sum: instances ? instances.reduce((s, x) => s + (Number(x.connections) || 0), 0) : null,
          rooms: roomList.length,
          bench_room_members: benchMembers,
        };
      })
    );
    const ok = rows.every((r) => !r.error && accept(r));
    const stop = !ok && settled ? await settled(rows) : false;
    if (ok || stop || Date.now() >= deadline) return { ok, elapsed_s: r3((Date.now() - t0) / 1000), polls, ports: rows };
    await sleep(everyMs || 500);
  }
}

function closeCodesCollector() {
  const codes = {};
  return {
    codes,
    attach(ws) {
      ws.on('close', (code) => {
        if (ws._benchClosing) return;
        codes[code] = (codes[code] || 0) + 1;
      });
      ws.on('error', () => {});
    },
  };
}

// ---------------------------------------------------------------- fanout
/**
 * How a fanout layout splits over the ports: sockets and publishers per port,
 * and how many rooms have members on every port (all of them when R x M is
 * spread as intended). Pure arithmetic, done before connecting.
 */
function fanoutPortSplit(R, M, PUBS, portIdx) {
  const n = PORTS.length;
  const sockets = new Array(n).fill(0);
  const publishers = new Array(n).fill(0);
  const roomPorts = Array.from({ length: R }, () => new Set());
  for (let i = 0; i < R * M; i++) {
    const k = portIdx(i);
    sockets[k]++;
    if (i < PUBS) publishers[k]++;
    roomPorts[i % R].add(k);
  }
  const byPort = (a) => Object.fromEntries(PORTS.map((p, k) => [p, a[k]]));
  return {
    ports: PORTS,
    sockets_per_port: byPort(sockets),
    publishers_per_port: byPort(publishers),
    rooms_on_every_port: roomPorts.filter((s) => s.size === Math.min(n, M)).length,
  };
}

/** Per-pid figures of two multi-pid snapshots (same pid order), with the port of the same index. */
function perInstance(a, b, f) {
  return b.per.map((pb, k) => ({ pid: pb.pid, port: SERVER_PIDS.length === PORTS.length ? PORTS[k] : null, ...f(a.per[k], pb) }));
}

/**
 * The scenarios' open-loop sender: sender k's n-th send is due at start + k's phase + n / perSender,
 * whatever the server answers, during `warmup` then `duration` seconds (sends of the first part are
 * not measured). `send(sender, sched, measured)` sends (or holds back) one; `stop()` ends it early;
 * `onTick()` runs after every 1 ms tick. Resolves with when measuring began, the server snapshot and
 * the load generator's CPU taken then, and how far (µs) the schedule fell behind at most.
 */
function openLoop(senders, perSender, warmup, duration, elDelay, { send, stop = () => false, onTick = () => {} }) {
  for (const sender of senders) sender.seq = 0;
  const startUs = S.nowUs() + 20000;
  const measureStartUs = startUs + warmup * 1e6;
  const endUs = measureStartUs + duration * 1e6;
  const phase = senders.map((_, k) => (k / senders.length) * (1e6 / perSender));
  let snapA = null;
  let cpuA = null;
  let maxBehind = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const now = S.nowUs();
      if (snapA === null && now >= measureStartUs) {
        snapA = S.serverSnapshot(SNAP_PIDS);
        cpuA = process.cpuUsage();
        elDelay.reset();
      }
      const until = Math.min(now, endUs);
      let behind = 0;
      for (let k = 0; k < senders.length; k++) {
        const sender = senders[k];
        for (;;) {
          const sched = startUs + phase[k] + (sender.seq * 1e6) / perSender;
          if (sched > until || stop()) break;
          send(sender, sched, sched >= measureStartUs);
          sender.seq++;
          behind = Math.max(behind, now - sched);
        }
      }
      if (behind > maxBehind) maxBehind = behind;
      onTick();
      if (now >= endUs || stop()) {
        clearInterval(timer);
        resolve({ measureStartUs, snapA, cpuA, maxBehind });
      }
    };
    const timer = setInterval(tick, 1);
  });
}

/** Waits until `done()`, or `progress()` stayed the same for `idleS` s, or `maxS` s passed; then 100 ms more. */
async function drainUntil(done, progress, idleS, maxS) {
  const deadline = Date.now() + maxS * 1000;
  let last = -1;
  let lastProgress = Date.now();
  while (!done() && Date.now() < deadline) {
    await sleep(50);
    const now = progress();
    if (now !== last) {
      last = now;
      lastProgress = Date.now();
    } else if (Date.now() - lastProgress > idleS * 1000) break;
  }
  await sleep(100);
}

async function fanout() {
  const R = num('rooms', 100);
  const M = num('members', 10);
  const PUBS = Math.min(R * M, num('publishers', R === 1 ? 10 : R));
  const rates = String(args.rate || '20000').split(',').map(Number);
  // --messages K: count-bounded run (K messages in total per step, no warmup)
  const cap = args.messages !== undefined ? num('messages', 0) : null;
  const warmup = cap !== null ? 0 : num('warmup', 2);
  const firstMsgRate = Number(String(args.rate || '20000').split(',')[0]) / M;
  const duration = cap !== null ? cap / firstMsgRate + 0.02 : num('duration', 5);
  const size = num('size', 64);
  const drain = num('drain', 5);
  const sloMs = num('slo-ms', 100);
  const base = roomBase();
  const N = R * M;
  const unexpected = closeCodesCollector();
  const elDelay = monitorEventLoopDelay({ resolution: 10 });
  elDelay.enable();

  // per-step counters (reset by each step)
  let hist = new S.Hist();
  let deliveredMeasured = 0;
  let deliveredWarm = 0;
  let stray = 0;
  let lastDeliveryAt = 0;

  // order per (member, publisher): the last sequence seen, reset by each step
  let lastSeq = new Int32Array(N * PUBS).fill(-1);
  let outOfOrder = 0;
  let duplicates = 0;

  const onMessage = (i, data, isBinary) => {
    if (isBinary || !parseTagged(data) || P.kind !== 102 /* f */) {
      stray++;
      return;
    }
    const now = S.nowUs();
    lastDeliveryAt = now;
    if (P.a < PUBS) {
      const k = i * PUBS + P.a;
      if (P.b === lastSeq[k]) duplicates++;
      else if (P.b < lastSeq[k]) outOfOrder++;
      else lastSeq[k] = P.b;
    }
    if (P.flag === 109 /* m */) {
      deliveredMeasured++;
      hist.record(now - P.c);
    } else deliveredWarm++;
  };

  // Several ports: socket i (room r = i % R, member index m = floor(i / R))
  // goes to PORTS[(m + r) % n], so every room's members are split over the
  // instances (1 x 1000: m alternates; 100 x 10: each room's 10 members
  // alternate) and so are the publishers (sockets 0 .. P-1: m = 0, r = p for
  // R >= P; r = 0, m = p for R = 1).
  const portIdx = (i) => (Math.floor(i / R) + (i % R)) % PORTS.length;
  const portSplit = PORTS.length > 1 ? fanoutPortSplit(R, M, PUBS, portIdx) : null;
  if (portSplit) log(`fanout: ${PORTS.length} ports: sockets ${JSON.stringify(portSplit.sockets_per_port)}, publishers ${JSON.stringify(portSplit.publishers_per_port)}, rooms on every port ${portSplit.rooms_on_every_port}/${R}`);
  log(`fanout: connecting ${R} rooms x ${M} members (${N} sockets), base room ${base}`);
  const before = S.serverSnapshot(SNAP_PIDS);
  const t0 = Date.now();
  const { sockets, opened, failures } = await openMany(N, 200, (i) => `/ws/chat/${base + (i % R)}`, (ws, i) => {
    ws.on('message', (data, isBinary) => onMessage(i, data, isBinary));
    unexpected.attach(ws);
  }, 60000, (i) => PORTS[portIdx(i)]);
  const connectS = (Date.now() - t0) / 1000;
  if (opened !== N) log(`fanout: only ${opened}/${N} connected`, JSON.stringify(failures));
  await sleep(500); // let the server finish registering members
  // clustered: the members joined on other instances must be known everywhere
  // before publishing, or early messages would miss them
  // (the sockets still open: the server may have closed some already)
  const openNow = () => sockets.reduce((n, ws) => n + (ws && ws.readyState === WebSocket.OPEN ? 1 : 0), 0);
  let clusterSync = null;
  if (PORTS.length > 1) {
    clusterSync = await pollStatus(base, R, (row) => row.bench_room_members === openNow(), num('sync-timeout', 30));
    clusterSync.open = openNow();
    log(`fanout: cluster membership ${clusterSync.ok ? 'in sync' : 'NOT in sync'} after ${clusterSync.elapsed_s} s: ${clusterSync.ports.map((x) => `:${x.port} ${x.error || x.bench_room_members}`).join(', ')} (opened ${opened}, open ${clusterSync.open})`);
  }
  const connected = S.serverSnapshot(SNAP_PIDS);

  // publishers: publisher p sits in room p % R (member index floor(p / R))
  const pubs = [];
  for (let p = 0; p < PUBS; p++) {
    const ws = sockets[p];
    if (ws) pubs.push({ p, ws });
  }
  // members per room that can receive: the sockets open when a step starts
  // (one the server closed before the step is not an expected recipient; its
  // close shows in unexpected_closes)
  const membersOf = new Array(R).fill(0);
  const countMembers = () => {
    membersOf.fill(0);
    sockets.forEach((ws, i) => { if (ws && ws.readyState === WebSocket.OPEN) membersOf[i % R]++; });
  };

  const steps = [];
  // --must-rates: after a failed step only these rates still run (the
  // comparison points); the others are skipped to bound the run time
  const must = args['must-rates'] ? String(args['must-rates']).split(',').map(Number) : null;
  let failedOnce = false;
  for (const rate of rates) {
    if (must && failedOnce && !must.includes(rate)) {
      log(`fanout: skipping step ${rate} (an earlier step failed)`);
      continue;
    }
    const msgRate = rate / M; // messages/s in total
    const perPub = msgRate / pubs.length;
    hist = new S.Hist();
    deliveredMeasured = 0;
    deliveredWarm = 0;
    stray = 0;
    lastSeq = new Int32Array(N * PUBS).fill(-1);
    outOfOrder = 0;
    duplicates = 0;
    let sentMeasured = 0;
    let expectedMeasured = 0;
    let sentWarm = 0;
    countMembers();
    log(`fanout: step ${rate} deliveries/s = ${r3(msgRate)} msgs/s over ${pubs.length} publishers`);
    elDelay.reset();
    const capped = () => cap !== null && sentMeasured >= cap;
    const { measureStartUs, snapA, cpuA, maxBehind } = await openLoop(pubs, perPub, warmup, duration, elDelay, {
      stop: capped,
      send(pb, sched, measured) {
        if (pb.ws.readyState !== WebSocket.OPEN) return;
        pb.ws.send(padTo(`f ${pb.p} ${pb.seq} ${Math.round(sched)} ${measured ? 'm' : 'w'}`, size));
        if (measured) {
          sentMeasured++;
          expectedMeasured += membersOf[pb.p % R];
        } else sentWarm++;
      },
    });
    const sendEnd = S.nowUs();
    const snapSendEnd = S.serverSnapshot(SNAP_PIDS);
    const lgCpuSend = cpuA ? loadgenCpu(cpuA) : null;
    // drain: wait until everything arrived or no progress for `drain` s
    await drainUntil(() => deliveredMeasured >= expectedMeasured, () => deliveredMeasured + deliveredWarm, drain,
      drain + num('drain-max', 15));
    const snapB = S.serverSnapshot(SNAP_PIDS);
    const lgCpu = cpuA ? loadgenCpu(cpuA) : null;
    const wallS = (snapB.t - snapA.t) / 1e6;
    const srvCpu = S.cpuDelta(snapA, snapB);
    const lat = hist.summaryMs();
    const loss = expectedMeasured - deliveredMeasured;
    const lgPct = lgCpuSend !== null ? (100 * lgCpuSend) / duration : null;
    const step = {
      offered_deliveries_per_s: rate,
      offered_msgs_per_s: r3(msgRate),
      publishers: pubs.length,
      sent: sentMeasured,
      expected: expectedMeasured,
      delivered: deliveredMeasured,
      lost: Math.max(0, loss),
      extra: Math.max(0, -loss),
      loss_pct: expectedMeasured ? r3((100 * Math.max(0, loss)) / expectedMeasured) : null,
      // measured deliveries over the time from the first measured send to the
      // last delivery (>= the send window): what the server actually sustained
      delivered_per_s: Math.round(deliveredMeasured / Math.max(duration, (lastDeliveryAt - measureStartUs) / 1e6)),
      drain_s: r3((S.nowUs() - sendEnd) / 1e6),
      latency_ms: lat,
      sender_max_behind_ms: r3(maxBehind / 1000),
      warmup_sent: sentWarm,
      stray_frames: stray,
      // per member and publisher, warm-up and measured messages alike
      out_of_order: outOfOrder,
      duplicates,
      server: {
        cpu_s: srvCpu,
        cpu_pct: srvCpu !== null ? r3((100 * srvCpu) / wallS) : null,
        cpu_us_per_delivery: srvCpu !== null && deliveredMeasured ? r3((srvCpu * 1e6) / deliveredMeasured) : null,
        cpu_s_send_window: S.cpuDelta(snapA, snapSendEnd),
        rss_kb: snapB.rssKb,
        threads: snapB.threads,
        // where the server's CPU went in the step, per thread: {native id: [name as /proc cuts it, s]}
        ...(MULTI_PID ? {} : { thread_cpu_by_id: S.threadCpuDelta(snapA, snapB) }),
        ...(MULTI_PID ? { per_instance: perInstance(snapA, snapB, (a, b) => ({ cpu_s: S.cpuDelta(a, b), cpu_pct: a.cpuS !== null && b.cpuS !== null ? r3((100 * (b.cpuS - a.cpuS)) / wallS) : null, rss_kb: b.rssKb, threads: b.threads })) } : {}),
      },
      loadgen: {
        cpu_s: r3(lgCpu),
        cpu_pct_send_window: r3(lgPct),
        event_loop_delay_p99_ms: r3(elDelay.percentile(99) / 1e6),
        event_loop_delay_max_ms: r3(elDelay.max / 1e6),
      },
      other_processes_cpu_pct: r3((100 * S.otherCpu(snapA, snapB, srvCpu, lgCpu)) / wallS),
      window_s: r3(wallS),
      send_window_s: r3((sendEnd - snapA.t) / 1e6),
    };
    step.loadgen.saturated = lgPct !== null && lgPct >= 90;
    // behind schedule without being CPU-bound: starved by other processes
    step.loadgen.lagging = !step.loadgen.saturated && step.sender_max_behind_ms > 50;
    step.ok = step.lost === 0 && step.out_of_order === 0 && step.duplicates === 0 && lat.p99 !== null && lat.p99 < sloMs && opened === N;
    steps.push(step);
    log(
      `fanout: step ${rate}: delivered ${deliveredMeasured}/${expectedMeasured} (${outOfOrder} out of order, ${duplicates} duplicates) p50 ${lat.p50} p99 ${lat.p99} max ${lat.max} ms; ` +
        `server ${step.server.cpu_pct}% cpu ${step.server.cpu_us_per_delivery} us/delivery; loadgen ${step.loadgen.cpu_pct_send_window}%`
    );
    if (!step.ok) failedOnce = true;
    if (args['stop-on-fail'] && !step.ok && rate >= num('always-until', 0)) {
      log('fanout: stopping (step failed the SLO)');
      break;
    }
    await sleep(300);
  }
  elDelay.disable();
  for (const ws of sockets) if (ws) ws._benchClosing = true;
  await closeAll(sockets, 5000);
  const okSteps = steps.filter((s) => s.ok);
  return {
    scenario: 'fanout',
    rooms: R,
    members: M,
    sockets: N,
    connected: opened,
    connect_failures: failures,
    connect_s: r3(connectS),
    unexpected_closes: unexpected.codes,
    payload_bytes: size,
    warmup_s: warmup,
    duration_s: r3(duration),
    messages_cap: cap,
    slo_ms: sloMs,
    server_rss_kb_before: before.rssKb,
    server_rss_kb_connected: connected.rssKb,
    ...(portSplit ? { port_split: portSplit, cluster_sync: clusterSync } : {}),
    steps,
    max_ok_deliveries_per_s: okSteps.length ? Math.max(...okSteps.map((s) => s.offered_deliveries_per_s)) : null,
  };
}

// ---------------------------------------------------------------- echo
async function echo() {
  const C = num('clients', 50);
  const duration = num('duration', 5);
  const warmup = num('warmup', 1);
  const size = num('size', 64);
  const base = roomBase();
  const unexpected = closeCodesCollector();
  let hist = new S.Hist();
  let measuring = false;
  let stopping = false;
  let trips = 0;
  const seq = new Array(C).fill(0);

  const send = (ws, i) => {
    if (stopping || ws.readyState !== WebSocket.OPEN) return;
    ws.send(padTo(`e ${i} ${seq[i]++} ${Math.round(S.nowUs())} ${measuring ? 'm' : 'w'}`, size));
  };
  log(`echo: ${C} clients, one per room`);
  const { sockets, opened, failures } = await openMany(C, 100, (i) => `/ws/chat/${base + i}`, (ws, i) => {
    unexpected.attach(ws);
    ws.on('message', (data) => {
      if (!parseTagged(data) || P.kind !== 101) return;
      if (measuring && P.flag === 109) {
        hist.record(S.nowUs() - P.c);
        trips++;
      }
      send(ws, i);
    });
  }, 30000);
  await sleep(300);
  sockets.forEach((ws, i) => ws && send(ws, i));
  await sleep(warmup * 1000);
  measuring = true;
  const a = S.serverSnapshot(SNAP_PIDS);
  const cpuA = process.cpuUsage();
  await sleep(duration * 1000);
  measuring = false;
  const b = S.serverSnapshot(SNAP_PIDS);
  const lg = loadgenCpu(cpuA);
  stopping = true;
  await sleep(200);
  for (const ws of sockets) if (ws) ws._benchClosing = true;
  await closeAll(sockets, 5000);
  const wall = (b.t - a.t) / 1e6;
  const srv = S.cpuDelta(a, b);
  return {
    scenario: 'echo',
    clients: C,
    connected: opened,
    connect_failures: failures,
    unexpected_closes: unexpected.codes,
    payload_bytes: size,
    duration_s: r3(wall),
    round_trips: trips,
    round_trips_per_s: Math.round(trips / wall),
    latency_ms: hist.summaryMs(),
    server: {
      cpu_s: srv,
      cpu_pct: srv !== null ? r3((100 * srv) / wall) : null,
      cpu_us_per_round_trip: srv !== null && trips ? r3((srv * 1e6) / trips) : null,
      rss_kb: b.rssKb,
    },
    loadgen: { cpu_s: r3(lg), cpu_pct: r3((100 * lg) / wall), saturated: (100 * lg) / wall >= 90 },
    other_processes_cpu_pct: r3((100 * S.otherCpu(a, b, srv, lg)) / wall),
  };
}

// ---------------------------------------------------------------- acks
/**
 * Acknowledged publishes (PROTOCOL 9.3): C JSON clients on /ws/auth, each its own user (an HS256
 * token minted here, so a `ref` is keyed by a stable user as a real client's is), each alone in
 * its K rooms; together they publish `message` frames with a `ref` at a fixed total rate, open
 * loop (each ref remembers its *scheduled* send time, so a late sender shows up as latency), round
 * robin over their rooms. Counts acks per step: acked/s over the time from the first measured
 * publish to the last measured ack, publish-to-ack latency, errors by code, what stayed
 * unacknowledged. A comma list of rates runs steps on the same connections; --until-plateau stops
 * once acked/s no longer rises (less than --plateau-gain over the best step so far) or the p99
 * passes --slo-ms. --max-in-flight bounds the unacknowledged publishes: a step that reaches it
 * stops offering (counted as `held_back`) rather than queue without end.
 */
async function acks() {
  const C = num('clients', 50);
  const K = num('rooms-per-client', 10);
  const rates = String(args.rate || '2000').split(',').map(Number);
  const warmup = num('warmup', 2);
  const duration = num('duration', 5);
  const size = num('size', 64);
  const drain = num('drain', 5);
  const drainMax = num('drain-max', 15);
  const sloMs = num('slo-ms', 1000);
  const maxInFlight = num('max-in-flight', 50000);
  const plateauGain = num('plateau-gain', 0.05);
  const secret = args['jwt-secret'] || process.env.ROOMCAST_JWT_SECRET;
  if (!secret) throw new Error('acks needs --jwt-secret or ROOMCAST_JWT_SECRET (tokens are minted here)');
  const base = roomBase();
  const run = crypto.randomBytes(3).toString('hex'); // users unique per run: de-duplication keys outlive a run
  const unexpected = closeCodesCollector();
  const elDelay = monitorEventLoopDelay({ resolution: 10 });
  elDelay.enable();

  // per-step state (reset by each step); a ref is "<step>.<client>.<seq>"
  let step = -1;
  let pending = new Map(); // ref -> { sched, measured }
  let hist = new S.Hist();
  let ackedMeasured = 0;
  let ackedWarm = 0;
  let lastAckAt = 0;
  let echoes = 0;
  let stale = 0; // acks of an earlier step's refs (after its drain gave up)
  let duplicateAcks = 0;
  let errors = {};
  const frameCount = { joined: 0, other: 0 };

  const MSG = Buffer.from('{"type":"message"');
  const onFrame = (data) => {
    // the sender's own copy of each message comes first (9.3): recognised by its prefix, not parsed
    if (data.length >= MSG.length && data.compare(MSG, 0, MSG.length, 0, MSG.length) === 0) {
      echoes++;
      return;
    }
    const now = S.nowUs();
    const f = JSON.parse(String(data));
    if (f.type === 'ack') {
      const p = pending.get(f.ref);
      if (!p) {
        if (typeof f.ref === 'string' && !f.ref.startsWith(`${step}.`)) stale++;
        else duplicateAcks++;
        return;
      }
      pending.delete(f.ref);
      lastAckAt = now;
      if (p.measured) {
        ackedMeasured++;
        hist.record(now - p.sched);
      } else ackedWarm++;
    } else if (f.type === 'error') {
      errors[f.code] = (errors[f.code] || 0) + 1;
      if (typeof f.ref === 'string') pending.delete(f.ref);
    } else if (f.type === 'joined') frameCount.joined++;
    else frameCount.other++;
  };

  log(`acks: ${C} clients on /ws/auth, ${K} rooms each (${C * K} rooms), base room ${base}`);
  const tokens = Array.from({ length: C }, (_, i) => mintJwt(secret, `acks-${run}-${i}`, 3600));
  const t0 = Date.now();
  const { sockets, opened, failures } = await openMany(C, 50, () => '/ws/auth', (ws) => {
    ws.on('message', (data, isBinary) => { if (!isBinary) onFrame(data); });
    unexpected.attach(ws);
  }, 60000, undefined, (i) => ({ headers: { Authorization: `Bearer ${tokens[i]}` } }));
  const connectS = (Date.now() - t0) / 1000;
  if (opened !== C) log(`acks: only ${opened}/${C} connected`, JSON.stringify(failures));
  const clients = [];
  sockets.forEach((ws, i) => { if (ws) clients.push({ i, ws, rooms: Array.from({ length: K }, (_, k) => base + i * K + k), seq: 0 }); });
  // join every room, await every `joined` (bounded)
  for (const c of clients) for (const room of c.rooms) c.ws.send(JSON.stringify({ type: 'join', room }));
  const joinDeadline = Date.now() + 30000;
  while (frameCount.joined < clients.length * K && Date.now() < joinDeadline) await sleep(50);
  log(`acks: ${frameCount.joined}/${clients.length * K} rooms joined`);
  const connected = S.serverSnapshot(SNAP_PIDS);

  const steps = [];
  let best = 0;
  for (const rate of rates) {
    step++;
    pending = new Map();
    hist = new S.Hist();
    ackedMeasured = 0;
    ackedWarm = 0;
    echoes = 0;
    stale = 0;
    duplicateAcks = 0;
    errors = {};
    let sentMeasured = 0;
    let sentWarm = 0;
    let heldBack = 0;
    let maxPending = 0;
    const perClient = rate / clients.length;
    const text = 'x'.repeat(Math.max(1, size));
    log(`acks: step ${rate} publishes/s over ${clients.length} clients`);
    elDelay.reset();
    const { measureStartUs, snapA, cpuA, maxBehind } = await openLoop(clients, perClient, warmup, duration, elDelay, {
      send(c, sched, measured) {
        if (pending.size >= maxInFlight) heldBack++;
        else if (c.ws.readyState === WebSocket.OPEN) {
          const ref = `${step}.${c.i}.${c.seq}`;
          pending.set(ref, { sched, measured });
          c.ws.send(`{"type":"message","room":${c.rooms[c.seq % K]},"text":"${text}","ref":"${ref}"}`);
          if (measured) sentMeasured++;
          else sentWarm++;
        }
      },
      onTick() {
        if (pending.size > maxPending) maxPending = pending.size;
      },
    });
    const sendEnd = S.nowUs();
    const lgCpuSend = cpuA ? loadgenCpu(cpuA) : null;
    // drain: until every publish of the step is acknowledged, or no progress for `drain` s
    await drainUntil(() => pending.size === 0, () => pending.size, drain, drain + drainMax);
    const snapB = S.serverSnapshot(SNAP_PIDS);
    const lgCpu = cpuA ? loadgenCpu(cpuA) : null;
    const wallS = (snapB.t - snapA.t) / 1e6;
    const srvCpu = S.cpuDelta(snapA, snapB);
    const lat = hist.summaryMs();
    let unackedMeasured = 0;
    for (const p of pending.values()) if (p.measured) unackedMeasured++;
    const lgPct = lgCpuSend !== null ? (100 * lgCpuSend) / duration : null;
    // measured acks over the time from the first measured publish to the last ack (>= the send window)
    const ackedPerS = Math.round(ackedMeasured / Math.max(duration, (lastAckAt - measureStartUs) / 1e6));
    const s = {
      offered_publishes_per_s: rate,
      clients: clients.length,
      sent: sentMeasured,
      acked: ackedMeasured,
      unacked: unackedMeasured,
      held_back: heldBack,
      max_in_flight: maxPending,
      errors,
      duplicate_acks: duplicateAcks,
      stale_acks: stale,
      own_message_events: echoes,
      acked_per_s: ackedPerS,
      drain_s: r3((S.nowUs() - sendEnd) / 1e6),
      ack_latency_ms: lat,
      sender_max_behind_ms: r3(maxBehind / 1000),
      warmup_sent: sentWarm,
      server: {
        cpu_s: srvCpu,
        cpu_pct: srvCpu !== null ? r3((100 * srvCpu) / wallS) : null,
        cpu_us_per_ack: srvCpu !== null && ackedMeasured ? r3((srvCpu * 1e6) / ackedMeasured) : null,
        rss_kb: snapB.rssKb,
        threads: snapB.threads,
      },
      loadgen: {
        cpu_s: r3(lgCpu),
        cpu_pct_send_window: r3(lgPct),
        event_loop_delay_p99_ms: r3(elDelay.percentile(99) / 1e6),
        event_loop_delay_max_ms: r3(elDelay.max / 1e6),
      },
      other_processes_cpu_pct: r3((100 * S.otherCpu(snapA, snapB, srvCpu, lgCpu)) / wallS),
      window_s: r3(wallS),
    };
    s.loadgen.saturated = lgPct !== null && lgPct >= 90;
    s.loadgen.lagging = !s.loadgen.saturated && s.sender_max_behind_ms > 50;
    // sustained: everything offered was sent and acknowledged, no error, p99 within the SLO
    s.ok = heldBack === 0 && unackedMeasured === 0 && Object.keys(errors).length === 0 && lat.p99 !== null && lat.p99 < sloMs && opened === C;
    steps.push(s);
    log(
      `acks: step ${rate}: acked ${ackedMeasured}/${sentMeasured} (${ackedPerS}/s; unacked ${unackedMeasured}, held back ${heldBack}, errors ${JSON.stringify(errors)}) ` +
        `p50 ${lat.p50} p99 ${lat.p99} max ${lat.max} ms; server ${s.server.cpu_pct}% cpu ${s.server.cpu_us_per_ack} us/ack; loadgen ${s.loadgen.cpu_pct_send_window}%`
    );
    if (args['until-plateau']) {
      if (!s.ok) {
        log('acks: stopping (the step was not sustained)');
        break;
      }
      if (best > 0 && ackedPerS < best * (1 + plateauGain)) {
        log(`acks: stopping (acked/s ${ackedPerS} rose less than ${plateauGain * 100} % over ${best})`);
        break;
      }
    }
    best = Math.max(best, ackedPerS);
    await sleep(300);
  }
  elDelay.disable();
  for (const ws of sockets) if (ws) ws._benchClosing = true;
  await closeAll(sockets, 5000);
  const okSteps = steps.filter((s) => s.ok);
  return {
    scenario: 'acks',
    clients: C,
    rooms_per_client: K,
    connected: opened,
    connect_failures: failures,
    connect_s: r3(connectS),
    unexpected_closes: unexpected.codes,
    payload_bytes: size,
    warmup_s: warmup,
    duration_s: duration,
    slo_ms: sloMs,
    server_rss_kb_connected: connected.rssKb,
    steps,
    max_sustained_acked_per_s: okSteps.length ? Math.max(...okSteps.map((s) => s.acked_per_s)) : null,
    max_acked_per_s: steps.length ? Math.max(...steps.map((s) => s.acked_per_s)) : null,
  };
}

// ---------------------------------------------------------------- handshakes
function b64url(buf) {
  return Buffer.from(buf).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}
function mintJwt(secret, sub, ttlS) {
  const now = Math.floor(Date.now() / 1000);
  const h = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const p = b64url(JSON.stringify({ sub, iat: now, exp: now + ttlS }));
  const sig = b64url(crypto.createHmac('sha256', secret).update(`${h}.${p}`).digest());
  return `${h}.${p}.${sig}`;
}
function postJson(path, body) {
  return new Promise((resolve) => {
    const data = JSON.stringify(body);
    const req = http.request(
      { host: HOST, port: PORT, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }, timeout: 5000 },
      (res) => {
        let s = '';
        res.on('data', (c) => (s += c));
        res.on('end', () => resolve({ status: res.statusCode, body: s }));
      }
    );
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.on('timeout', () => req.destroy());
    req.end(data);
  });
}
async function getTokens(n) {
  const first = await postJson('/api/dev/tokens', { user: 'bench-0' });
  let tok = null;
  try {
    tok = JSON.parse(first.body).token;
  } catch (e) {
    /* not there */
  }
  if (first.status >= 200 && first.status < 300 && typeof tok === 'string') {
    const tokens = [tok];
    for (let i = 1; i < n; i++) {
      const r = await postJson('/api/dev/tokens', { user: `bench-${i}` });
      try {
        tokens.push(JSON.parse(r.body).token);
      } catch (e) {
        break;
      }
    }
    return { source: 'POST /api/dev/tokens', tokens };
  }
  const secret = args['jwt-secret'] || process.env.ROOMCAST_JWT_SECRET || process.env.JWT_SECRET;
  if (!secret) throw new Error(`no dev token endpoint (HTTP ${first.status}) and no --jwt-secret / ROOMCAST_JWT_SECRET`);
  const tokens = [];
  for (let i = 0; i < n; i++) tokens.push(mintJwt(secret, `bench-${i}`, 3600));
  return { source: `self-minted HS256 (dev endpoint answered HTTP ${first.status})`, tokens };
}

async function handshakes() {
  const path = args.path || '/ws/auth';
  const auth = args.auth || (path.startsWith('/ws/auth') ? 'jwt' : 'none');
  const duration = num('duration', 5);
  const conc = num('concurrency', 64);
  const maxConnects = num('max-connects', 200000);
  let tokenInfo = { source: 'none', tokens: [] };
  if (auth === 'jwt') tokenInfo = await getTokens(num('tokens', 1000));
  const hist = new S.Hist();
  const failures = {};
  let ok = 0;
  let started = 0;
  let welcomed = 0;
  log(`handshakes: ${path} auth=${auth} (${tokenInfo.source}, ${tokenInfo.tokens.length} tokens), ${conc} in flight, ${duration}s`);
  const a = S.serverSnapshot(SNAP_PIDS);
  const cpuA = process.cpuUsage();
  const t0 = S.nowUs();
  const endUs = t0 + duration * 1e6;
  // `conc` opening handshakes in flight; closing handshakes run in the
  // background (at most 4 x conc) so the rate measures opening handshakes.
  const maxClosing = conc * 4;
  let opening = 0;
  let closing = 0;
  await new Promise((resolve) => {
    const checkEnd = () => {
      if (opening === 0 && closing === 0 && (S.nowUs() >= endUs || started >= maxConnects)) resolve();
    };
    const launch = () => {
      while (opening < conc && closing < maxClosing && started < maxConnects && S.nowUs() < endUs) {
        const i = started++;
        opening++;
        const headers = auth === 'jwt' ? { Authorization: `Bearer ${tokenInfo.tokens[i % tokenInfo.tokens.length]}` } : undefined;
        const begin = S.nowUs();
        const ws = openWs(path, i, headers ? { headers } : undefined);
        let phase = 'opening';
        const end = (failure) => {
          if (phase === 'done') return;
          if (failure && phase === 'opening') failures[failure] = (failures[failure] || 0) + 1;
          if (phase === 'opening') opening--;
          else closing--;
          phase = 'done';
          launch();
          checkEnd();
        };
        ws.on('open', () => {
          const t = S.nowUs();
          if (t <= endUs) {
            ok++;
            hist.record(t - begin);
          }
          phase = 'closing';
          opening--;
          closing++;
          ws.close(1000);
          launch();
        });
        ws.on('message', () => welcomed++);
        ws.on('close', () => end(phase === 'opening' ? 'closed_before_open' : null));
        ws.on('unexpected-response', (req, res) => {
          end(`http_${res.statusCode}`);
          req.destroy();
        });
        ws.on('error', (e) => end(e.code || String(e.message).slice(0, 40)));
      }
    };
    launch();
    setTimeout(checkEnd, duration * 1000 + 10).unref();
    setTimeout(resolve, (duration + 20) * 1000).unref();
  });
  const wall = (S.nowUs() - t0) / 1e6;
  const b = S.serverSnapshot(SNAP_PIDS);
  const lg = loadgenCpu(cpuA);
  const srv = S.cpuDelta(a, b);
  const failed = Object.values(failures).reduce((x, y) => x + y, 0);
  return {
    scenario: 'handshakes',
    path,
    auth,
    token_source: tokenInfo.source,
    distinct_tokens: tokenInfo.tokens.length,
    concurrency: conc,
    duration_s: r3(wall),
    attempts: started,
    succeeded: ok,
    failed,
    failures,
    frames_received: welcomed,
    connects_per_s: Math.round(ok / duration),
    handshake_latency_ms: hist.summaryMs(),
    server: {
      cpu_s: srv,
      cpu_pct: srv !== null ? r3((100 * srv) / wall) : null,
      cpu_us_per_handshake: srv !== null && ok ? r3((srv * 1e6) / ok) : null,
      rss_kb: b.rssKb,
      fds_after: b.fds,
    },
    loadgen: { cpu_s: r3(lg), cpu_pct: r3((100 * lg) / wall), saturated: (100 * lg) / wall >= 90 },
    other_processes_cpu_pct: r3((100 * S.otherCpu(a, b, srv, lg)) / wall),
  };
}

// ---------------------------------------------------------------- connections
// Coordinator forks worker processes (this file with --worker); each opens its
// share, reports, holds until told to close, then closes and reports again.
function connWorker() {
  const n = num('count', 0);
  const offset = num('offset', 0);
  const rooms = num('rooms', 100);
  const base = num('base', 1000000);
  const conc = num('concurrency', 256);
  let pings = 0;
  const closes = {};
  const cpuA = process.cpuUsage();
  (async () => {
    const t0 = Date.now();
    // global connection offset + i goes to PORTS[(offset + i) % n] (round robin)
    const { sockets, opened, failures } = await openMany(n, conc, (i) => `/ws/chat/${base + ((offset + i) % rooms)}`, (ws) => {
      ws.on('ping', () => pings++);
      ws.on('close', (code) => {
        if (!ws._benchClosing) closes[code] = (closes[code] || 0) + 1;
      });
    }, num('connect-timeout', 120) * 1000, (i) => PORTS[(offset + i) % PORTS.length]);
    process.send({ type: 'opened', opened, failures, ms: Date.now() - t0, cpuS: loadgenCpu(cpuA) });
    process.on('message', async (m) => {
      if (m.type === 'status') {
        const live = sockets.filter((ws) => ws && ws.readyState === WebSocket.OPEN).length;
        process.send({ type: 'status', live, pings, closes, cpuS: loadgenCpu(cpuA) });
      } else if (m.type === 'close') {
        for (const ws of sockets) if (ws) ws._benchClosing = true;
        const t = Date.now();
        await closeAll(sockets, 15000);
        process.send({ type: 'closed', ms: Date.now() - t, cpuS: loadgenCpu(cpuA) });
        setTimeout(() => process.exit(0), 50);
      }
    });
  })();
  setTimeout(() => process.exit(3), num('max-time', 300) * 1000).unref();
  process.on('disconnect', () => process.exit(0));
}

async function connections() {
  const N = num('connections', 1000);
  const hold = num('hold', 10);
  const rooms = num('rooms', 100);
  const procs = num('procs', Math.max(1, Math.ceil(N / 9000)));
  const conc = num('concurrency', 256);
  const base = roomBase();
  const jvm = SERVER_PIDS.some((pid) => S.isJvm(pid));

  log(`connections: baseline (${jvm ? 'JVM: full GC + heap_info' : 'RSS'})`);
  const heap0 = jvm ? heapSnapshot(true) : null;
  await sleep(500);
  const snap0 = S.serverSnapshot(SNAP_PIDS);

  const workers = [];
  const per = Math.ceil(N / procs);
  for (let w = 0; w < procs; w++) {
    const count = Math.max(0, Math.min(per, N - w * per));
    const wargs = [
      '--worker', '--host', HOST, '--port', PORTS.join(','), '--count', String(count), '--offset', String(w * per),
      '--connect-timeout', String(num('connect-timeout', 120)),
      '--rooms', String(rooms), '--base', String(base), '--concurrency', String(conc),
      // each worker gets its own slice of source addresses
      '--src', String(SRC_COUNT), '--max-time', String(num('max-time', 300)),
    ];
    const child = fork(__filename, wargs, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    workers.push({ child, count, msgs: [] });
  }
  const waitAll = (type) =>
    Promise.all(
      workers.map(
        (w) =>
          new Promise((resolve) => {
            const h = (m) => {
              if (m.type === type) {
                w.child.off('message', h);
                resolve(m);
              }
            };
            w.child.on('message', h);
            w.child.once('exit', () => resolve({ type, dead: true }));
          })
      )
    );
  log(`connections: opening ${N} over ${procs} processes, ${conc} connects in flight each, ${SRC_COUNT} source addresses${PORTS.length > 1 ? `, round robin over ports ${PORTS.join(',')}` : ''}`);
  const t0 = Date.now();
  const openedMsgs = await waitAll('opened');
  // connect time as seen by the workers (excludes their process start-up)
  const connectS = Math.max(0.001, ...openedMsgs.map((m) => (m.ms || 0) / 1000)) || (Date.now() - t0) / 1000;
  const snapConnected = S.serverSnapshot(SNAP_PIDS);
  const opened = openedMsgs.reduce((s, m) => s + (m.opened || 0), 0);
  const failures = {};
  for (const m of openedMsgs) for (const [k, v] of Object.entries(m.failures || {})) failures[k] = (failures[k] || 0) + v;
  const lgConnectCpu = openedMsgs.reduce((s, m) => s + (m.cpuS || 0), 0);
  log(`connections: ${opened}/${N} open in ${r3(connectS)} s (${Math.round(opened / connectS)}/s); failures ${JSON.stringify(failures)}`);

  // hold: measure memory after settling, keep the rest of the hold idle
  const holdStart = Date.now();
  await sleep(Math.min(3000, hold * 1000));
  const heap1 = jvm ? heapSnapshot(true) : null;
  let histogram = null;
  if (jvm && args.histogram) {
    const top = (pid) => {
      try {
        return require('child_process').execFileSync('jcmd', [String(pid), 'GC.class_histogram'], { timeout: 60000, maxBuffer: 64 << 20 })
          .toString().split('\n').slice(1, 24).map((l) => l.trim());
      } catch (e) {
        return [`jcmd failed: ${e.message}`];
      }
    };
    // one pid: the list of lines as before; several: one list per JVM
    histogram = MULTI_PID ? SERVER_PIDS.filter((pid) => S.isJvm(pid)).map((pid) => ({ pid, top: top(pid) })) : top(SERVER_PID);
  }
  await sleep(300);
  const snapLoaded = S.serverSnapshot(SNAP_PIDS);
  // --status-check: every instance must report the cluster-wide total
  // (= opened, and its instance rows must add up to it). Polled once a second
  // for cluster propagation; it stops early when every instance agrees, twice
  // in a row, on the number of sockets still open (< opened: some were closed,
  // waiting longer would not help).
  let statusCheck = null;
  if (args['status-check']) {
    const expected = opened;
    let live = null;
    let agreeRounds = 0;
    const liveNow = async () => {
      for (const w of workers) w.child.send({ type: 'status' });
      return (await waitAll('status')).reduce((s, m) => s + (m.live || 0), 0);
    };
    const agrees = (rows, n) => rows.every((r) => !r.error && r.connections === n && r.instances_sum === n);
    statusCheck = await pollStatus(base, rooms, (row) => row.connections === expected && row.instances_sum === expected, num('status-timeout', 30), async (rows) => {
      live = await liveNow();
      agreeRounds = live < expected && agrees(rows, live) ? agreeRounds + 1 : 0;
      return agreeRounds >= 2;
    }, 1000);
    if (live === null) live = await liveNow();
    statusCheck.expected = expected;
    statusCheck.live_at_check = live;
    // the instances agree with each other and with the sockets still open
    statusCheck.agree_with_live = agrees(statusCheck.ports, live);
    log(`connections: status check ${statusCheck.ok ? 'OK' : 'FAILED'} after ${statusCheck.elapsed_s} s (${statusCheck.polls} polls): ` +
      statusCheck.ports.map((x) => `:${x.port} ${x.error || `${x.connections} [${(x.instances || []).map((i) => i.connections).join('+')}]`}`).join(', ') +
      ` (opened ${expected}, open now ${live}${statusCheck.agree_with_live ? ', every instance agrees with that' : ''})`);
  }
  // The idle window: after the full GC, histogram and status checks, nothing but heartbeats.
  const snapIdleStart = S.serverSnapshot(SNAP_PIDS);
  const idleStartMs = Date.now();
  const remaining = hold * 1000 - (Date.now() - holdStart);
  if (remaining > 0) await sleep(remaining);
  for (const w of workers) w.child.send({ type: 'status' });
  const statusMsgs = await waitAll('status');
  const snapHoldEnd = S.serverSnapshot(SNAP_PIDS);
  const idleEndMs = Date.now();
  const liveAtEnd = statusMsgs.reduce((s, m) => s + (m.live || 0), 0);
  const pings = statusMsgs.reduce((s, m) => s + (m.pings || 0), 0);
  const closes = {};
  for (const m of statusMsgs) for (const [k, v] of Object.entries(m.closes || {})) closes[k] = (closes[k] || 0) + v;
  log(`connections: held ${r3((Date.now() - holdStart) / 1000)} s, ${liveAtEnd} still open, ${pings} server pings answered`);

  for (const w of workers) w.child.send({ type: 'close' });
  const closedMsgs = await waitAll('closed');
  const lgTotalCpu = closedMsgs.reduce((s, m) => s + (m.cpuS || 0), 0);
  const closeS = Math.max(...closedMsgs.map((m) => (m.ms || 0) / 1000));
  await sleep(1000);
  const snapAfter = S.serverSnapshot(SNAP_PIDS);

  const rssDelta = snapLoaded.rssKb !== null && snap0.rssKb !== null ? snapLoaded.rssKb - snap0.rssKb : null;
  const heapDelta = heap0 && heap1 ? heap1.usedKb - heap0.usedKb : null;
  return {
    scenario: 'connections',
    requested: N,
    processes: procs,
    source_addresses: SRC_COUNT,
    connect_concurrency: conc * procs,
    succeeded: opened,
    failed: N - opened,
    failures,
    connect_s: r3(connectS),
    connects_per_s: Math.round(opened / connectS),
    hold_s: hold,
    open_at_end_of_hold: liveAtEnd,
    dropped_during_hold: opened - liveAtEnd,
    closes_during_hold: closes,
    server_pings_received: pings,
    close_s: r3(closeS),
    server: {
      rss_kb_baseline: snap0.rssKb,
      rss_kb_loaded: snapLoaded.rssKb,
      rss_kb_after_close: snapAfter.rssKb,
      rss_kb_per_connection: rssDelta !== null && opened ? r3(rssDelta / opened) : null,
      heap_kb_baseline: heap0 ? heap0.usedKb : null,
      heap_kb_loaded: heap1 ? heap1.usedKb : null,
      heap_kb_per_connection: heapDelta !== null && opened ? r3(heapDelta / opened) : null,
      heap_info_loaded: heap1 ? heap1.raw : null,
      heap_histogram_top: histogram,
      threads_loaded: snapLoaded.threads,
      fds_loaded: snapLoaded.fds,
      cpu_s_connect: S.cpuDelta(snap0, snapConnected),
      cpu_us_per_connect: snap0.cpuS !== null && opened ? r3(((snapConnected.cpuS - snap0.cpuS) * 1e6) / opened) : null,
      cpu_s_hold: S.cpuDelta(snapConnected, snapHoldEnd),
      idle_window_s: r3((snapHoldEnd.t - snapIdleStart.t) / 1e6),
      idle_window_ms: [idleStartMs, idleEndMs],
      idle_cpu_pct: snapHoldEnd.t - snapIdleStart.t > 1e6 && snapIdleStart.cpuS !== null
        ? r3((100 * (snapHoldEnd.cpuS - snapIdleStart.cpuS)) / ((snapHoldEnd.t - snapIdleStart.t) / 1e6)) : null,
      ...(MULTI_PID
        ? {
            per_instance: perInstance(snap0, snapLoaded, (a, b) => ({ rss_kb_baseline: a.rssKb, rss_kb_loaded: b.rssKb, threads_loaded: b.threads, fds_loaded: b.fds })).map((x, k) => {
              const h0 = heap0 && heap0.per ? heap0.per.find((h) => h.pid === x.pid) : null;
              const h1 = heap1 && heap1.per ? heap1.per.find((h) => h.pid === x.pid) : null;
              return { ...x, heap_kb_baseline: h0 ? h0.usedKb : null, heap_kb_loaded: h1 ? h1.usedKb : null, cpu_s_connect: S.cpuDelta(snap0.per[k], snapConnected.per[k]) };
            }),
          }
        : {}),
    },
    loadgen: {
      cpu_s_connect: r3(lgConnectCpu),
      cpu_pct_connect: r3((100 * lgConnectCpu) / connectS),
      cpu_s_total: r3(lgTotalCpu),
      saturated: (100 * lgConnectCpu) / connectS >= 90 * Math.min(procs, NCPU),
    },
    other_processes_cpu_pct_connect: r3((100 * S.otherCpu(snap0, snapConnected, S.cpuDelta(snap0, snapConnected), lgConnectCpu)) / connectS),
    ...(statusCheck ? { status_check: statusCheck, cluster_counts_ok: statusCheck.ok } : {}),
  };
}

// ---------------------------------------------------------------- main
async function main() {
  if (args.worker) return connWorker();
  const scenario = args._[0];
  if (!scenario || args.help) {
    process.stdout.write(HELP);
    process.exit(scenario ? 0 : 1);
  }
  const maxTime = num('max-time', 300);
  setTimeout(() => {
    log(`hard deadline of ${maxTime}s reached, exiting`);
    process.stdout.write(JSON.stringify({ scenario, error: 'deadline' }) + '\n');
    process.exit(2);
  }, maxTime * 1000).unref();
  const fns = { fanout, echo, handshakes, connections, acks };
  if (!fns[scenario]) {
    console.error(`unknown scenario ${scenario}\n\n${HELP}`);
    process.exit(1);
  }
  const started = new Date().toISOString();
  const result = await fns[scenario]();
  const out = {
    label: args.label || null,
    target: `ws://${HOST}:${PORTS.join(',')}`,
    server_pid: SERVER_PID,
    ...(PORTS.length > 1 || MULTI_PID ? { ports: PORTS, server_pids: SERVER_PIDS } : {}),
    started,
    ...result,
  };
  const json = JSON.stringify(out, null, 2);
  if (args.out) fs.writeFileSync(args.out, json + '\n');
  process.stdout.write(json + '\n');
  process.exit(0);
}

main().catch((e) => {
  log(`error: ${e.stack || e}`);
  process.stdout.write(JSON.stringify({ scenario: args._[0], error: String(e.message || e) }) + '\n');
  process.exit(1);
});
