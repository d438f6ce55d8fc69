#!/usr/bin/env node
'use strict';
// Reliability storms (issue 14): do threads and the live heap come back after connections vanish?
//
// Target: "After the reliability storms (1,500 abrupt disconnects, three times, then 2,000 closes),
// threads and live heap back within 10 % of their level before, within 30 s."
//
// For each server in turn (one at a time, started and stopped by lib/servers.js with the bench's
// settings of config.js):
//   1. warm-up: --warmup connections (200) on /ws/chat/<room>, opened a few at a time and closed
//      properly (light use, so that the "before" level is that of a used server, not a grown pool);
//   2. wait until the server's threads are at their idle level (--settle 65 s after the warm-up,
//      longer than the 60 s keepalive of WildFly's pools, then no thread started or ended for
//      10 s) and the server is quiet (< 10 % of a core for 1 s); then "before": live heap after a
//      full GC (JVMs: jcmd GC.run + GC.heap_info), threads and RSS (/proc), thread names;
//   3. the storm: --waves (3) waves of --wave (1,500) connections spread over --rooms (15) rooms and
//      the bench's source addresses, --concurrency (64) connects in flight, every open awaited,
//      then all dropped at once without a close frame (--drop fin: the socket destroyed, the
//      server sees end-of-stream; --drop rst: a TCP reset); then --closes (2,000) connections
//      opened the same way and closed properly (close 1000, the server's close awaited). Threads
//      and RSS are sampled every 250 ms (the peak); the server's registry (GET /api/status
//      `connections`) is read after each wave's drop;
//   4. after: threads and RSS every second for --after (30) s from the end of the storm, the live
//      heap after a full GC at 10, 20 and 30 s only (a full GC is not free), and the registry every
//      second until it reads 0 (a session left in the registry is a leak), then at 10, 20, 30 s;
//      thread names again (which pool grew, and did it shrink).
// Verdict: a figure is "back" when it is at most 10 % above its level before (--tolerance).
//
//   node bench/storm.js [--servers roomcast,roomcast-wildfly] [--out DIR]
//                       [--waves 3] [--wave 1500] [--closes 2000] [--rooms 15] [--concurrency 64]
//                       [--warmup 200] [--settle 65] [--after 30] [--drop fin|rst] [--tolerance 10]
// Servers: roomcast (Payara Micro), roomcast-wildfly (WildFly), node-ws (reference; no heap figure).
// Writes <out>/storm.json and <out>/STORM.md (default bench/results/storm-<stamp>/), and prints the
// table. Loopback only; the only process signalled is the server it started.

const fs = require('fs');
const path = require('path');
const http = require('http');
const { execFileSync } = require('child_process');
const WebSocket = require('ws');
const cfg = require('./config');
const S = require('./lib/stats');
const { createServers, missing } = require('./lib/servers');

const BENCH = __dirname;
const { opt } = require('./lib/args');
const SERVERS = opt('--servers', 'roomcast,roomcast-wildfly').split(',').filter(Boolean);
const WAVES = Number(opt('--waves', 3));
const WAVE = Number(opt('--wave', 1500));
const CLOSES = Number(opt('--closes', 2000));
const ROOMS = Number(opt('--rooms', 15));
const CONCURRENCY = Number(opt('--concurrency', 64));
const WARMUP = Number(opt('--warmup', 200));
const WARMUP_CONCURRENCY = 4;
const AFTER_S = Number(opt('--after', 30));
const HEAP_AT = [10, 20, 30].filter((s) => s <= AFTER_S);
if (!HEAP_AT.includes(AFTER_S)) HEAP_AT.push(AFTER_S);
const DROP = opt('--drop', 'fin');
const TOLERANCE = Number(opt('--tolerance', 10)) / 100;
const SETTLE_S = Number(opt('--settle', 65));
const STEADY_S = 10;
const SETTLE_MAX_S = SETTLE_S + 90;
const SAMPLE_MS = 250;
const CLOSE_TIMEOUT_MS = 30000;
const RUN_BUDGET_S = 1200; // hard stop for the whole run
if (!['fin', 'rst'].includes(DROP)) {
  console.error('--drop fin|rst');
  process.exit(2);
}
for (const s of SERVERS) {
  if (!cfg.servers[s]) {
    console.error(`unknown server ${s} (config.js: ${Object.keys(cfg.servers).join(', ')})`);
    process.exit(2);
  }
}
if (!/^127\.\d+\.\d+\.\d+$/.test(cfg.host)) {
  console.error('refusing: only loopback targets (127.0.0.0/8) are allowed');
  process.exit(2);
}

const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
const OUT = path.resolve(opt('--out', path.join(BENCH, 'results', `storm-${stamp}`)));
fs.mkdirSync(OUT, { recursive: true });

const t0 = Date.now();
const log = (...m) => {
  const line = `[storm +${Math.round((Date.now() - t0) / 1000)}s] ${m.join(' ')}`;
  console.error(line);
  fs.appendFileSync(path.join(OUT, 'run.log'), line + '\n');
};
const sleepUntil = (at) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
const n = (x) => x.toLocaleString('en-US');
const mb = (kb) => (kb === null || kb === undefined ? null : Math.round(kb / 102.4) / 10);

const servers = createServers({ out: OUT, log });
process.on('exit', servers.killSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`got ${sig}, stopping`);
    process.exit(130);
  });
}
setTimeout(() => {
  log(`run budget of ${RUN_BUDGET_S} s exceeded, stopping`);
  process.exit(3);
}, RUN_BUDGET_S * 1000).unref();

// ------------------------------------------------------------ clients
const SRC = Math.max(1, cfg.sourceAddresses || 1);
let seq = 0; // every connection of the run: its source address, round robin
const ROOM_BASE = 1000000 + Math.floor(Math.random() * 1000000) * 100;

/** One /ws/chat connection: resolves { ws } once open, or { err } (an error code or http_<status>). */
function connect(port, room, counters) {
  const i = seq++;
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://${cfg.host}:${port}/ws/chat/${room}`, {
      perMessageDeflate: false,
      handshakeTimeout: 15000,
      localAddress: `127.0.0.${1 + (i % SRC)}`,
    });
    let settled = false;
    const done = (r) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    ws.closed = new Promise((r) => ws.once('close', (code) => r(code)));
    ws.once('open', () => {
      ws.opened = true;
      done({ ws });
    });
    ws.once('unexpected-response', (req, res) => {
      req.destroy();
      done({ err: `http_${res.statusCode}` });
    });
    ws.on('error', (e) => done({ err: e.code || String(e.message).slice(0, 40) }));
    ws.once('close', (code) => {
      // a close we did not ask for, on an open connection (the server closed it)
      if (ws.opened && !ws.leaving) counters.unexpectedCloses[code] = (counters.unexpectedCloses[code] || 0) + 1;
    });
  });
}

/** Opens n connections with at most `conc` connects in flight, each awaited. */
async function openMany(port, n, conc, counters) {
  const sockets = [];
  const failures = {};
  let next = 0;
  const started = Date.now();
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const r = await connect(port, ROOM_BASE + (i % ROOMS), counters);
      if (r.ws) sockets.push(r.ws);
      else failures[r.err] = (failures[r.err] || 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(conc, n) }, worker));
  return { sockets, failures, openS: (Date.now() - started) / 1000 };
}

/** Drops every socket without a close frame; resolves when the client side has seen each one go. */
async function dropAll(sockets) {
  for (const ws of sockets) {
    ws.leaving = true;
    if (DROP === 'rst' && ws._socket && typeof ws._socket.resetAndDestroy === 'function') ws._socket.resetAndDestroy();
    else ws.terminate();
  }
  await Promise.all(sockets.map((ws) => ws.closed));
}

/** Closes every socket properly (1000) and awaits the close handshake; returns the codes seen. */
async function closeAll(sockets) {
  const codes = {};
  let timedOut = 0;
  await Promise.all(sockets.map(async (ws) => {
    ws.leaving = true;
    ws.close(1000, 'storm');
    let timer;
    const code = await Promise.race([ws.closed, new Promise((r) => (timer = setTimeout(() => r('timeout'), CLOSE_TIMEOUT_MS)))]);
    clearTimeout(timer);
    if (code === 'timeout') {
      timedOut++;
      ws.terminate();
      await ws.closed;
    } else codes[code] = (codes[code] || 0) + 1;
  }));
  return { codes, timedOut };
}

// ------------------------------------------------------------ server figures
/** GET /api/status: the server's own count of live sessions (its registry), and its rooms. */
function registry(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: cfg.host, port, path: '/api/status', timeout: 5000, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        try {
          const j = JSON.parse(body);
          resolve({ connections: j.connections, rooms: Array.isArray(j.rooms) ? j.rooms.length : j.rooms });
        } catch (e) {
          resolve({ connections: null, error: `status ${res.statusCode}` });
        }
      });
    });
    req.on('error', (e) => resolve({ connections: null, error: e.code || e.message }));
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

/** A thread name without its numbers: "default task-12" -> "default task-#". */
const pool = (name) => name.replace(/\d+/g, '#');

/** Threads by name (numbers folded) from /proc/PID/task/*\/comm: cheap, but names cut at 15 chars. */
function commGroups(pid) {
  const out = {};
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      try {
        const k = pool(fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim());
        out[k] = (out[k] || 0) + 1;
      } catch (e) {
        /* the thread ended */
      }
    }
  } catch (e) {
    return null;
  }
  return out;
}

/** Threads by full name (numbers folded) from `jcmd PID Thread.print`; null for a non-JVM. */
function jvmThreadGroups(pid) {
  if (!S.isJvm(pid)) return null;
  try {
    const dump = execFileSync('jcmd', [String(pid), 'Thread.print'], { timeout: 30000, maxBuffer: 64 << 20 }).toString();
    const out = {};
    for (const m of dump.matchAll(/^"(.*?)"(?: #\d+)?(?: \[\d+\])? /gm)) {
      const k = pool(m[1]);
      out[k] = (out[k] || 0) + 1;
    }
    return out;
  } catch (e) {
    return null;
  }
}

/** Live objects by class from `jcmd PID GC.class_histogram` (itself a full GC): { class: { n, kb } }. */
function classHistogram(pid) {
  if (!S.isJvm(pid)) return null;
  try {
    const raw = execFileSync('jcmd', [String(pid), 'GC.class_histogram'], { timeout: 60000, maxBuffer: 64 << 20 }).toString();
    const out = {};
    for (const m of raw.matchAll(/^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)/gm)) out[m[3]] = { n: Number(m[1]), kb: Number(m[2]) / 1024 };
    const total = /^Total\s+(\d+)\s+(\d+)/m.exec(raw);
    if (total) out['(total)'] = { n: Number(total[1]), kb: Number(total[2]) / 1024 };
    return out;
  } catch (e) {
    return null;
  }
}

/** The classes whose live bytes grew most from a to b, and those with the most more instances. */
function histogramDiff(a, b, top = 12) {
  if (!a || !b) return { bytes: [], count: [] };
  const all = Object.keys(b).filter((k) => k !== '(total)').map((k) => ({ cls: k, n: b[k].n - ((a[k] || {}).n || 0), kb: Math.round(b[k].kb - ((a[k] || {}).kb || 0)) }));
  return {
    bytes: [...all].sort((x, y) => y.kb - x.kb).slice(0, top).filter((x) => x.kb > 0),
    // an object left per storm connection shows here: thousands more instances of one class
    count: [...all].sort((x, y) => y.n - x.n).slice(0, 2 * top).filter((x) => x.n >= 1000),
  };
}

/** The groups whose count changed from a to b, largest change first. */
function groupDiff(a, b) {
  if (!a || !b) return [];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].map((k) => ({ name: k, before: a[k] || 0, after: b[k] || 0, delta: (b[k] || 0) - (a[k] || 0) }))
    .filter((g) => g.delta !== 0).sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.name.localeCompare(y.name));
}

const liveHeapKb = (pid) => {
  if (!S.isJvm(pid)) return null;
  const h = S.jvmHeap(pid, true);
  return h ? h.usedKb : null;
};
const within = (v, before) => v !== null && before !== null && v <= before * (1 + TOLERANCE);

/**
 * Waits until the server's thread count is its idle level: at least SETTLE_S s after the warm-up
 * (longer than the 60 s keepalive of WildFly's worker and boot pools: without it WildFly's "before"
 * still counted the ~80 threads of the deployment pool, which end during the storm and hide its
 * growth), then until the count has not changed for STEADY_S s; at most SETTLE_MAX_S s in all.
 */
async function settle(pid) {
  const start = Date.now();
  const from = S.procThreads(pid);
  let last = from;
  let since = start;
  for (;;) {
    await sleepUntil(Date.now() + 1000);
    const n = S.procThreads(pid);
    if (n !== last) {
      last = n;
      since = Date.now();
    }
    const waited = Date.now() - start;
    const steady = Date.now() - since >= STEADY_S * 1000;
    if ((waited >= SETTLE_S * 1000 && steady) || waited >= SETTLE_MAX_S * 1000) return { steady, from, threads: n, waitedS: Math.round(waited / 1000) };
  }
}

// ------------------------------------------------------------ one server
async function storm(name) {
  const why = missing(name);
  if (why) {
    log(`${name}: skipped, ${why}`);
    return { name, title: cfg.servers[name].title, skipped: why };
  }
  const server = await servers.start(name);
  const { pid, port } = server;
  const jvm = S.isJvm(pid);
  const r = { name, title: cfg.servers[name].title, pid, port, readyS: server.readyS, jvmOpts: server.jvmOpts, jvm };
  const started = Date.now();

  log(`${name}: warm-up, ${WARMUP} connections opened ${WARMUP_CONCURRENCY} at a time and closed properly`);
  const warmCounters = { unexpectedCloses: {} };
  const warm = await openMany(port, WARMUP, WARMUP_CONCURRENCY, warmCounters);
  const warmClose = await closeAll(warm.sockets);
  r.warmup = { opened: warm.sockets.length, failures: warm.failures, closes: warmClose };

  const settled = await settle(pid);
  log(`${name}: threads ${settled.steady ? 'steady' : 'NOT steady'} at ${settled.threads} after ${settled.waitedS} s (${settled.from} at the end of the warm-up)`);
  const quiet = await S.waitIdle([pid]);
  log(`${name}: ${quiet.idle ? 'quiet' : 'NOT quiet'} after ${quiet.waitedS} s (${quiet.pct[0]} % of a core)`);
  // The heap first: the jcmd attach starts the JVM's "Attach Listener" thread, which stays.
  const before = { heapKb: liveHeapKb(pid) };
  before.threads = S.procThreads(pid);
  before.rssKb = S.procRssKb(pid);
  before.fds = S.procOpenFds(pid);
  before.registry = await registry(port);
  before.groups = jvmThreadGroups(pid) || commGroups(pid);
  const histBefore = classHistogram(pid);
  r.before = { settled, quiet, ...before };
  log(`${name}: before: ${before.threads} threads, RSS ${mb(before.rssKb)} MB, ${before.fds} open fds, live heap ${mb(before.heapKb) ?? '–'} MB, registry ${before.registry.connections}`);

  // ---- the storm, threads and RSS sampled every 250 ms
  const series = [];
  const startGroups = commGroups(pid);
  const peak = { threads: before.threads, rssKb: before.rssKb, fds: before.fds, groups: startGroups, atS: 0 };
  const stormStart = Date.now();
  const sample = () => {
    const threads = S.procThreads(pid);
    const rssKb = S.procRssKb(pid);
    const fds = S.procOpenFds(pid);
    const s = (Date.now() - stormStart) / 1000;
    series.push({ s, threads, rssKb, fds });
    if (fds !== null && fds > peak.fds) peak.fds = fds;
    if (threads !== null && threads > peak.threads) Object.assign(peak, { threads, groups: commGroups(pid), atS: s });
    if (rssKb !== null && rssKb > peak.rssKb) peak.rssKb = rssKb;
  };
  const sampler = setInterval(sample, SAMPLE_MS);
  const counters = { unexpectedCloses: {} };
  const phases = [];
  for (let w = 1; w <= WAVES; w++) {
    const o = await openMany(port, WAVE, CONCURRENCY, counters);
    const reg = await registry(port);
    const dropStart = Date.now();
    await dropAll(o.sockets);
    const afterDrop = await registry(port);
    phases.push({ phase: `wave ${w}`, opened: o.sockets.length, failures: o.failures, openS: o.openS, registryOpen: reg.connections, dropS: (Date.now() - dropStart) / 1000, registryAfterDrop: afterDrop.connections });
    log(`${name}: wave ${w}: ${o.sockets.length}/${WAVE} open in ${o.openS.toFixed(1)} s (registry ${reg.connections}), dropped (${DROP}); registry right after: ${afterDrop.connections}${Object.keys(o.failures).length ? `; failures ${JSON.stringify(o.failures)}` : ''}`);
  }
  const c = await openMany(port, CLOSES, CONCURRENCY, counters);
  const regOpen = await registry(port);
  const closeStart = Date.now();
  const closed = await closeAll(c.sockets);
  const afterClose = await registry(port);
  phases.push({ phase: 'closes', opened: c.sockets.length, failures: c.failures, openS: c.openS, registryOpen: regOpen.connections, closeS: (Date.now() - closeStart) / 1000, closeCodes: closed.codes, closeTimeouts: closed.timedOut, registryAfterClose: afterClose.connections });
  log(`${name}: closes: ${c.sockets.length}/${CLOSES} open in ${c.openS.toFixed(1)} s (registry ${regOpen.connections}), closed in ${((Date.now() - closeStart) / 1000).toFixed(1)} s, codes ${JSON.stringify(closed.codes)}${closed.timedOut ? `, ${closed.timedOut} timed out` : ''}; registry right after: ${afterClose.connections}`);
  clearInterval(sampler);
  sample();
  r.storm = { seconds: (Date.now() - stormStart) / 1000, phases, startGroups, unexpectedCloses: counters.unexpectedCloses, peak, series };
  log(`${name}: storm over in ${r.storm.seconds.toFixed(1)} s; peak ${peak.threads} threads (at ${peak.atS.toFixed(1)} s), RSS ${mb(peak.rssKb)} MB`);

  // ---- after: every second for AFTER_S s; live heap at 10, 20, 30 s; the registry until it is 0
  const after = [];
  const end = Date.now();
  let registryZeroAtS = null;
  for (let s = 1; s <= AFTER_S; s++) {
    await sleepUntil(end + s * 1000);
    const row = { s, at: (Date.now() - end) / 1000, threads: S.procThreads(pid), rssKb: S.procRssKb(pid), fds: S.procOpenFds(pid) };
    if (registryZeroAtS === null || HEAP_AT.includes(s)) {
      row.registry = (await registry(port)).connections;
      if (row.registry === 0 && registryZeroAtS === null) registryZeroAtS = s;
    }
    if (jvm && HEAP_AT.includes(s)) {
      const h0 = Date.now();
      row.heapKb = liveHeapKb(pid);
      row.heapMs = Date.now() - h0;
    }
    after.push(row);
  }
  const last = after[after.length - 1];
  const afterGroups = jvmThreadGroups(pid) || commGroups(pid);
  const histAfter = classHistogram(pid);
  const histGrew = histogramDiff(histBefore, histAfter);
  const firstThreadsBack = after.find((x) => within(x.threads, before.threads));
  const heapRows = after.filter((x) => x.heapKb !== undefined);
  const firstHeapBack = heapRows.find((x) => within(x.heapKb, before.heapKb));
  r.after = {
    samples: after,
    threads: last.threads,
    rssKb: last.rssKb,
    fds: last.fds,
    heapKb: jvm ? last.heapKb : null,
    registry: last.registry,
    registryZeroAtS,
    groups: afterGroups,
    grewFromBefore: groupDiff(before.groups, afterGroups),
    heapGrewBy: histGrew, // after the 30 s figures: classes with the most more live bytes than before
    histogramTotalKb: { before: histBefore && histBefore['(total)'] ? Math.round(histBefore['(total)'].kb) : null, after: histAfter && histAfter['(total)'] ? Math.round(histAfter['(total)'].kb) : null },
  };
  r.verdict = {
    threadsBack: within(last.threads, before.threads),
    threadsFirstBackS: firstThreadsBack ? firstThreadsBack.s : null,
    heapBack: jvm ? within(last.heapKb, before.heapKb) : null,
    heapFirstBackS: jvm && firstHeapBack ? firstHeapBack.s : null,
    registryEmpty: last.registry === 0,
  };
  r.failures = {};
  for (const p of phases) for (const [k, v] of Object.entries(p.failures)) r.failures[k] = (r.failures[k] || 0) + v;
  if (closed.timedOut) r.failures.close_timeout = closed.timedOut;
  r.seconds = (Date.now() - started) / 1000;
  log(`${name}: after ${AFTER_S} s: ${last.threads} threads (${r.verdict.threadsBack ? 'back' : 'NOT back'}), live heap ${mb(r.after.heapKb) ?? '–'} MB (${jvm ? (r.verdict.heapBack ? 'back' : 'NOT back') : 'n/a'}), registry ${last.registry}`);
  for (const g of r.after.grewFromBefore.slice(0, 8)) log(`${name}:   threads "${g.name}": ${g.before} -> ${g.after}`);
  for (const h of histGrew.bytes.slice(0, 5)) log(`${name}:   live ${h.cls}: +${h.kb} KB (${h.n >= 0 ? '+' : ''}${h.n})`);
  await servers.stop();
  return r;
}

// ------------------------------------------------------------ report
const fmtBack = (ok, firstS) => (ok === null ? '–' : ok ? `yes (from ${firstS} s)` : firstS ? `no (back at ${firstS} s, not at ${AFTER_S} s)` : 'no');
const fmtFailures = (f) => (Object.keys(f).length ? Object.entries(f).map(([k, v]) => `${k} ${v}`).join(', ') : '0');

function table(results) {
  const lines = [
    `| server | threads before | peak | after ${AFTER_S} s | threads ≤ +${TOLERANCE * 100} % | live heap before (MB) | ${HEAP_AT.map((s) => `${s} s`).join(' | ')} | heap ≤ +${TOLERANCE * 100} % | RSS before / peak / after (MB) | open fds before / peak / after | registry at end | failures |`,
    `|---|---:|---:|---:|---|---:|${HEAP_AT.map(() => '---:').join('|')}|---|---|---|---:|---|`,
  ];
  for (const r of results) {
    if (r.skipped || r.error) {
      lines.push(`| ${r.title} | ${r.skipped ? `skipped: ${r.skipped}` : `error: ${r.error}`} |`);
      continue;
    }
    const heaps = HEAP_AT.map((s) => {
      const row = r.after.samples.find((x) => x.s === s);
      return row && row.heapKb !== undefined ? mb(row.heapKb) : '–';
    });
    lines.push(`| ${r.title} | ${r.before.threads} | ${r.storm.peak.threads} | ${r.after.threads} | ${fmtBack(r.verdict.threadsBack, r.verdict.threadsFirstBackS)} | ${mb(r.before.heapKb) ?? '–'} | ${heaps.join(' | ')} | ${fmtBack(r.verdict.heapBack, r.verdict.heapFirstBackS)} | ${mb(r.before.rssKb)} / ${mb(r.storm.peak.rssKb)} / ${mb(r.after.rssKb)} | ${r.before.fds} / ${r.storm.peak.fds} / ${r.after.fds} | ${r.after.registry}${r.after.registryZeroAtS ? ` (0 from ${r.after.registryZeroAtS} s)` : ''} | ${fmtFailures(r.failures)} |`);
  }
  return lines.join('\n');
}

function details(r) {
  if (r.skipped || r.error) return [];
  const out = [`### ${r.title}`, '', `pid ${r.pid}, port ${r.port}, ready in ${r.readyS.toFixed(1)} s, JVM options \`${r.jvmOpts || '–'}\`; ${r.seconds.toFixed(0)} s for this server. Before: threads ${r.before.settled.from} at the end of the warm-up, ${r.before.settled.threads} ${r.before.settled.steady ? 'steady' : 'NOT steady'} after ${r.before.settled.waitedS} s; ${r.before.quiet.idle ? 'quiet' : 'not quiet'} after ${r.before.quiet.waitedS} s more; registry ${r.before.registry.connections}.`, ''];
  out.push('| phase | opened | open (s) | registry when open | registry right after the drop / close | failures |', '|---|---:|---:|---:|---:|---|');
  for (const p of r.storm.phases) {
    out.push(`| ${p.phase} | ${p.opened} | ${p.openS.toFixed(1)} | ${p.registryOpen} | ${p.registryAfterDrop ?? p.registryAfterClose}${p.closeCodes ? ` (close codes ${JSON.stringify(p.closeCodes)}${p.closeTimeouts ? `, ${p.closeTimeouts} timed out` : ''})` : ''} | ${fmtFailures(p.failures)} |`);
  }
  const unexpected = Object.entries(r.storm.unexpectedCloses);
  out.push('', `Storm: ${r.storm.seconds.toFixed(1)} s; closed by the server while open: ${unexpected.length ? unexpected.map(([k, v]) => `${v} × ${k}`).join(', ') : 'none'}. Peak ${r.storm.peak.threads} threads at ${r.storm.peak.atS.toFixed(1)} s.`, '');
  const grown = r.after.grewFromBefore;
  out.push(`Threads by name (numbers folded to #), before → after ${AFTER_S} s${r.jvm ? ' (jcmd Thread.print)' : ''}: ${grown.length ? grown.map((g) => `"${g.name}" ${g.before} → ${g.after}`).join('; ') : 'no change'}.`);
  const peakGrown = groupDiff(r.storm.startGroups, r.storm.peak.groups);
  if (peakGrown.length) out.push(`At the peak (native names, cut at 15 characters), against the storm's start: ${peakGrown.map((g) => `"${g.name}" ${g.before} → ${g.after}`).join('; ')}.`);
  const h = r.after.heapGrewBy;
  const cls = (x) => `\`${x.cls}\` +${x.kb} KB (${x.n >= 0 ? '+' : ''}${x.n})`;
  if (h.bytes.length) out.push('', `Live objects that grew most from before to after (\`GC.class_histogram\`, taken after the ${AFTER_S} s figures; all classes ${mb(r.after.histogramTotalKb.before)} → ${mb(r.after.histogramTotalKb.after)} MB): ${h.bytes.map(cls).join(', ')}.`);
  if (h.count.length) out.push('', `Classes with 1,000 or more instances than before (${n(WAVES * WAVE + CLOSES)} storm connections): ${h.count.map(cls).join(', ')}.`);
  out.push('', `After the storm, every second: threads ${r.after.samples.map((x) => x.threads).join(' ')}`, '');
  return out;
}

async function main() {
  log(`storm: servers ${SERVERS.join(', ')}; ${WAVES} × ${WAVE} abrupt (${DROP}) + ${CLOSES} closed, ${ROOMS} rooms, ${CONCURRENCY} connects in flight, ${SRC} source addresses; after: ${AFTER_S} s; results in ${OUT}`);
  const results = [];
  for (const name of SERVERS) {
    try {
      results.push(await storm(name));
    } catch (e) {
      log(`${name}: error ${e.stack || e}`);
      results.push({ name, title: cfg.servers[name].title, error: String(e.message || e) });
      await servers.stop();
    }
  }
  const settings = { waves: WAVES, wave: WAVE, closes: CLOSES, rooms: ROOMS, concurrency: CONCURRENCY, warmup: WARMUP, warmupConcurrency: WARMUP_CONCURRENCY, settleS: SETTLE_S, steadyS: STEADY_S, afterS: AFTER_S, heapAtS: HEAP_AT, drop: DROP, tolerancePct: TOLERANCE * 100, sourceAddresses: SRC, sampleMs: SAMPLE_MS };
  fs.writeFileSync(path.join(OUT, 'storm.json'), JSON.stringify({ startedAt: new Date(t0).toISOString(), seconds: (Date.now() - t0) / 1000, settings, results }, null, 2));
  const md = [
    `# Reliability storms, ${new Date(t0).toISOString()}`,
    '',
    `Issue 14: ${WAVES} waves of ${n(WAVE)} \`/ws/chat\` connections dropped without a close frame (${DROP === 'fin' ? 'socket destroyed' : 'TCP reset'}), then ${n(CLOSES)} opened and closed properly; ${ROOMS} rooms, ${CONCURRENCY} connects in flight over ${SRC} source addresses. "Before" after a warm-up of ${WARMUP} connections (${WARMUP_CONCURRENCY} at a time), once the server's threads are at their idle level (at least ${SETTLE_S} s after the warm-up, then ${STEADY_S} s without a thread starting or ending) and it is quiet; threads every ${SAMPLE_MS} ms during the storm (peak), then every second for ${AFTER_S} s; live heap after a full GC at ${HEAP_AT.join(', ')} s. Target: threads and live heap at most ${TOLERANCE * 100} % above before, within ${AFTER_S} s; the registry (\`GET /api/status\` connections) back to 0. Whole run: ${((Date.now() - t0) / 1000).toFixed(0)} s.`,
    '',
    table(results),
    '',
    ...results.flatMap(details),
  ];
  fs.writeFileSync(path.join(OUT, 'STORM.md'), md.join('\n') + '\n');
  console.log(table(results));
  log(`wrote ${path.join(OUT, 'STORM.md')} and storm.json`);
}

main().catch(async (e) => {
  log(`fatal: ${e.stack || e}`);
  await servers.stop();
  process.exit(1);
});
