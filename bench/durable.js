#!/usr/bin/env node
'use strict';
// The durable store's figures (issue 22), `postgres` next to `memory`, side by side in one run:
// the same target/roomcast.war on Payara Micro and on WildFly, each started twice (roomcast.store
// memory, then postgres on a PostgreSQL this script starts itself), each time the same scenarios:
// echo, fan-out 100x10 and 1x1000 at 20,000 deliveries/s, publish-to-ack latency at 2,000
// publishes/s, and acknowledged publishes per second stepped up to saturation (loadgen.js acks).
// Normally started by durable.sh, which installs what is missing first.
//
//   node durable.js [--quick] [--servers roomcast,roomcast-wildfly] [--stores memory,postgres]
//                   [--jfr auto|always|never] [--keep-pg] [--out DIR]
//                   [--repeat N]                           each store in N JVMs, interleaved; fan-outs also as medians across them
//                   [--only fanout-100x10,fanout-1x1000]   only these scenarios (after every warm-up)
//                   [--jfr-scenario fanout-100x10]         that scenario under a JFR recording (profile
//                                                          settings), kept as <server>-<store>.<scenario>.jfr
//                   [--batch-wait MS]                      roomcast.store.batch-wait of the postgres runs
//                   [--profiler async]                     that scenario under async-profiler instead (durable.sh
//                                                          fetches it from Maven Central): <...>.collapsed, and
//                                                          CPU ms per thread with its top frames in the JSON
//   node durable.js --report DIR      the tables again from DIR/summary.json
//
// PostgreSQL: Debian's (src/postgres/postgres.sh), a cluster of its own under bench/.work/ on a free
// loopback port, a fresh database per server run (each starts empty), fsync and synchronous_commit
// on as postgres.sh sets them; removed at the end. Loopback only; the only processes it signals are
// the servers and the postmaster it started (by their PIDs). PostgreSQL's own CPU (the postmaster and
// its backends, from /proc) is measured beside the server's, because on the postgres store part of a
// publish's cost is spent there.
//
// JFR: with --jfr auto (the default), when a postgres run's sustained acked/s stays below the issue's
// 10,000, one more step at the sweep's highest sustained rate runs under a recording (JFR `profile`
// settings, after a warm-up step under it); the .jfr file, the server's CPU per thread and each
// thread's running and native samples over that step are kept (--jfr always: every postgres run).

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, execFileSync } = require('child_process');
const cfg = require('./config');
const { runLoadgen: runLoadgenChild } = require('./lib/loadgen');
const S = require('./lib/stats');
const { createServers, missing } = require('./lib/servers');
const { freePorts } = require('./lib/ports');
const { opt, flag } = require('./lib/args');
const cpuProfile = require('./lib/cpuprofile');

const BENCH = __dirname;
const REPO = path.resolve(BENCH, '..');
const QUICK = flag('--quick');
const SERVERS = opt('--servers', 'roomcast,roomcast-wildfly').split(',').filter(Boolean);
const STORES = opt('--stores', 'memory,postgres').split(',').filter(Boolean);
const JFR = opt('--jfr', 'auto');
const ONLY = opt('--only', '').split(',').filter(Boolean);
// the same figure moved 20-30 % between two JVMs of one store (the memory store's 100x10: 16.8-29.8
// µs per delivery over six runs of one build), far more than between windows of one JVM
const REPEAT = Math.max(1, Number(opt('--repeat', '1')) || 1);
const JFR_SCENARIO = opt('--jfr-scenario', '');
// --profiler async: that scenario under async-profiler instead of JFR (lib/cpuprofile.js)
const PROFILER = opt('--profiler', 'jfr');
// --batch-wait MS: roomcast.store.batch-wait for the postgres runs (the server's default otherwise)
const BATCH_WAIT = opt('--batch-wait', '');
const ASYNC_PROFILER_LIB = process.env.ASYNC_PROFILER_LIB || path.join(__dirname, '.work', 'async-profiler', 'libasyncProfiler.so');
const ACK_TARGET = 10000; // issue 22: acknowledged publishes/s on this 2-core machine
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
const OUT = path.resolve(opt('--out', opt('--report') || path.join(BENCH, 'results', `${stamp}-durable${QUICK ? '-quick' : ''}`)));
const RUN_BUDGET_S = QUICK ? 900 : 2400; // hard stop for the whole run
fs.mkdirSync(OUT, { recursive: true });

const t0 = Date.now();
const log = (...m) => {
  const line = `[durable +${Math.round((Date.now() - t0) / 1000)}s] ${m.join(' ')}`;
  console.log(line);
  fs.appendFileSync(path.join(OUT, 'run.log'), line + '\n');
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------ the plan
// fw: a fan-out's own warm-up, on its connections at its rate before the measured window: the JIT
// recompiles what the scenario before it (echo) left compiled for another profile, 0.9 s of C2 on
// Payara's postgres 100x10 after a warm-up of 2 s (docs/BENCHMARKS.md)
// fanoutRates: three measured windows on the same connections, reported by their median CPU per
// delivery: one window's figure moved by 20-30 % from run to run on this machine
const F = QUICK ? { w: 1, fw: 1, d: 2, acksD: 3, fanoutRates: '20000' } : { w: 2, fw: 6, d: 5, acksD: 5, fanoutRates: '20000,20000,20000' };
const ACK_RATES = QUICK ? [2000, 6000, 12000] : [2000, 4000, 6000, 8000, 10000, 12000, 14000, 17000, 20000, 25000, 30000];
const SCENARIOS = [
  ['warmup-fanout', 'fanout', { rooms: 100, members: 10, rate: '10000', warmup: F.w, duration: 3, 'drain-max': 5, discard: true }],
  ['warmup-echo', 'echo', { clients: 50, duration: 3, warmup: 0, discard: true }],
  ['warmup-acks', 'acks', { clients: 50, 'rooms-per-client': 10, rate: '2000,5000', warmup: 1, duration: 3, discard: true }],
  ['echo', 'echo', { clients: 50, duration: F.d, warmup: 1 }],
  ['fanout-100x10', 'fanout', { rooms: 100, members: 10, rate: F.fanoutRates, warmup: F.fw, duration: F.d, 'drain-max': 10 }],
  ['fanout-1x1000', 'fanout', { rooms: 1, members: 1000, publishers: 10, rate: F.fanoutRates, warmup: F.fw, duration: F.d, 'drain-max': 10 }],
  ['acks-2000', 'acks', { clients: 50, 'rooms-per-client': 10, rate: '2000', warmup: F.w, duration: QUICK ? 3 : 10 }],
  ['acks-saturation', 'acks', { clients: 50, 'rooms-per-client': 10, rate: ACK_RATES.join(','), warmup: 1, duration: F.acksD, 'until-plateau': true, 'slo-ms': 1000 }],
];

// ------------------------------------------------------------ PostgreSQL
const PG_SH = path.join(REPO, 'src', 'postgres', 'postgres.sh');
const PG_BIN = process.env.ROOMCAST_PG_BIN || '/usr/lib/postgresql/15/bin';
const PG_HOME = path.join(BENCH, '.work', `durable-pg-${stamp}`);
const PG_DATA = path.join(PG_HOME, 'data');
let pg = null; // { child, pid, port }

/** Starts our own PostgreSQL: install if missing, init, serve (the child IS the postmaster). */
async function startPostgres() {
  execFileSync('bash', [PG_SH, 'install'], { stdio: ['ignore', 'inherit', 'inherit'] });
  execFileSync('bash', [PG_SH, 'init', PG_DATA], { stdio: ['ignore', fs.openSync(path.join(OUT, 'postgres-init.log'), 'a'), 'inherit'] });
  const ports = await freePorts(15532, 1, { span: 50, host: cfg.host });
  if (!ports) throw new Error('no free port for PostgreSQL in 15532-15581');
  const port = ports[0];
  const fd = fs.openSync(path.join(OUT, 'postgres.log'), 'a');
  const child = spawn('bash', [PG_SH, 'serve', PG_DATA, String(port)], { stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  pg = { child, pid: child.pid, port };
  child.once('exit', (code, sig) => {
    log(`postgres: exited (code ${code}, signal ${sig})`);
    pg = null;
  });
  // ready when the lock file names OUR postmaster as ready (src/postgres/run.sh does the same)
  for (let i = 0; i < 300 && pg; i++) {
    try {
      const lines = fs.readFileSync(path.join(PG_DATA, 'postmaster.pid'), 'utf8').split('\n');
      if (Number(lines[0]) === child.pid && lines[7] && lines[7].trim() === 'ready') {
        log(`postgres: pid ${child.pid} ready on ${cfg.host}:${port}, data in ${path.relative(REPO, PG_DATA)}`);
        return pg;
      }
    } catch (e) {
      /* not yet */
    }
    await sleep(200);
  }
  throw new Error('PostgreSQL did not become ready within 60 s (see postgres.log)');
}

function psql(sql, db = 'postgres') {
  return execFileSync(path.join(PG_BIN, 'psql'), ['-h', cfg.host, '-p', String(pg.port), '-U', 'roomcast', '-d', db, '-v', 'ON_ERROR_STOP=1', '-tAc', sql], { timeout: 30000 }).toString().trim();
}

/** The transactions committed in database `db` so far, or null when PostgreSQL does not say. */
function commits(db) {
  try {
    return Number(psql(`SELECT xact_commit FROM pg_stat_database WHERE datname = '${db}'`));
  } catch (e) {
    return null;
  }
}

/** Stops our PostgreSQL: fast shutdown (SIGINT to the postmaster's PID), SIGKILL after 30 s. */
function stopPostgres() {
  return new Promise((resolve) => {
    if (!pg) return resolve();
    const { child } = pg;
    const timer = setTimeout(() => {
      log(`postgres: still running 30 s after SIGINT, sending SIGKILL to ${child.pid}`);
      try {
        child.kill('SIGKILL');
      } catch (e) {
        /* gone */
      }
    }, 30000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      child.kill('SIGINT');
    } catch (e) {
      clearTimeout(timer);
      resolve();
    }
  });
}

/** CPU seconds of the postmaster and every backend (live ones, plus the reaped ones' in cutime/cstime). */
function pgCpuS() {
  if (!pg) return null;
  const tck = S.ticksPerSecond();
  const fields = (pid) => {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  };
  try {
    const m = fields(pg.pid);
    let t = Number(m[11]) + Number(m[12]) + Number(m[13]) + Number(m[14]);
    const kids = fs.readFileSync(`/proc/${pg.pid}/task/${pg.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    for (const k of kids) {
      try {
        const f = fields(k);
        t += Number(f[11]) + Number(f[12]);
      } catch (e) {
        /* it ended: counted in the postmaster's cutime from now on */
      }
    }
    return t / tck;
  } catch (e) {
    return null;
  }
}

// ------------------------------------------------------------ per-thread CPU (JFR step)
/** Native thread id -> Java thread name (jcmd Thread.print's nid), to undo /proc's 15-character cut. */
function javaThreadNames(pid) {
  const names = {};
  try {
    const dump = execFileSync('jcmd', [String(pid), 'Thread.print'], { timeout: 60000, maxBuffer: 64 << 20 }).toString();
    for (const m of dump.matchAll(/^"(.+?)" .*?nid=(0x[0-9a-f]+)/gm)) names[parseInt(m[2], 16)] = m[1];
  } catch (e) {
    /* /proc's names then */
  }
  return names;
}

/**
 * A fan-out step's server CPU per thread ({native id: [cut name, s]}, from loadgen) summed by Java
 * thread name as `thread_cpu_s`: where each microsecond of a delivery went (store lanes, I/O threads).
 */
function foldThreadNames(res, pid) {
  const steps = (res.steps || []).filter((step) => step.server && step.server.thread_cpu_by_id);
  const names = steps.length ? javaThreadNames(pid) : {};
  for (const step of steps) {
    step.server.thread_cpu_s = S.foldThreadCpu(step.server.thread_cpu_by_id, names);
    delete step.server.thread_cpu_by_id;
  }
  return steps.length > 0;
}

// ------------------------------------------------------------ servers and scenarios
const servers = createServers({ out: OUT, log });
const killAll = () => {
  servers.killSync();
  // immediate shutdown: the postmaster stops its backends and exits
  if (pg) {
    try {
      pg.child.kill('SIGQUIT');
    } catch (e) {
      /* gone */
    }
  }
};
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`got ${sig}, stopping`);
    killAll();
    if (!flag('--keep-pg')) fs.rmSync(PG_HOME, { recursive: true, force: true });
    process.exit(130);
  });
}
setTimeout(() => {
  log(`hard run budget of ${RUN_BUDGET_S}s exceeded, stopping`);
  killAll();
  process.exit(3);
}, RUN_BUDGET_S * 1000).unref();

function loadgenArgs(scenario, o, server) {
  const a = [path.join(BENCH, 'loadgen.js'), scenario, '--host', cfg.host, '--port', String(server.port), '--server-pid', String(server.pid), '--src', String(cfg.sourceAddresses), '--max-time', '300'];
  for (const [k, v] of Object.entries(o)) {
    if (k === 'discard') continue;
    if (v === true) a.push(`--${k}`);
    else a.push(`--${k}`, String(v));
  }
  return a;
}

function runLoadgen(args, outFile) {
  return runLoadgenChild(args, outFile, { log, jwtSecret: cfg.jwtSecret, timeoutMs: 330000 });
}

async function settle(pid, key) {
  const { idle, waitedS, pct } = await S.waitIdle([pid]);
  if (!idle) log(`${key}: server still busy (${pct[0]} % CPU) 60 s after the scenario; going on`);
}

/** The environment of one server run: config.js's, plus the store's settings. */
function storeEnv(name, store, db) {
  const env = { ...cfg.servers[name].env, ROOMCAST_STORE: store };
  if (store === 'postgres') {
    env.ROOMCAST_STORE_URL = `jdbc:postgresql://${cfg.host}:${pg.port}/${db}`;
    env.ROOMCAST_STORE_USER = 'roomcast';
    if (BATCH_WAIT !== '') env.ROOMCAST_STORE_BATCH_WAIT = BATCH_WAIT;
  }
  return env;
}

async function runOne(name, store, rep = 0) {
  const key = `${name}-${store}${rep ? `-${rep}` : ''}`;
  const entry = { server: name, store, rep, key, title: `${cfg.servers[name].title}${rep ? ` #${rep}` : ''}`, results: {} };
  let db = null;
  if (store === 'postgres') {
    db = `bench_${name.replace(/-/g, '_')}_${stamp.replace(/-/g, '_')}${rep ? `_${rep}` : ''}`;
    psql(`CREATE DATABASE ${db}`);
    entry.database = db;
  }
  let server;
  try {
    server = await servers.start(name, cfg.jvm.main, { env: storeEnv(name, store, db) });
  } catch (e) {
    log(`${key}: ${e.message}`);
    entry.error = e.message;
    return entry;
  }
  Object.assign(entry, { pid: server.pid, port: server.port, ready_s: server.readyS, idle_rss_kb: server.idleRssKb, jvm_opts: server.jvmOpts });
  const wanted = ONLY.length ? SCENARIOS.filter(([n, sc]) => ONLY.includes(n) || n.startsWith('warmup-')) : SCENARIOS;
  for (const [sname, scenario, o] of wanted) {
    if (!servers.alive()) {
      entry.results[sname] = { error: 'server died' };
      continue;
    }
    log(`${key}: ${sname}`);
    const pgA = store === 'postgres' ? pgCpuS() : null;
    const commitsA = store === 'postgres' ? commits(db) : null;
    const profiled = sname === JFR_SCENARIO;
    const jfrFile = profiled && PROFILER === 'jfr' ? path.join(OUT, `${key}.${sname}.jfr`) : null;
    const stacksFile = profiled && PROFILER === 'async' ? path.join(OUT, `${key}.${sname}.collapsed`) : null;
    if (jfrFile) execFileSync('jcmd', [String(server.pid), 'JFR.start', 'name=scenario', 'settings=profile', `filename=${jfrFile}`], { stdio: 'ignore' });
    if (stacksFile) cpuProfile.start(server.pid, ASYNC_PROFILER_LIB);
    const outFile = o.discard ? null : path.join(OUT, `${key}.${sname}.json`);
    const res = await runLoadgen(loadgenArgs(scenario, o, server), outFile);
    if (jfrFile) {
      execFileSync('jcmd', [String(server.pid), 'JFR.stop', 'name=scenario'], { stdio: 'ignore' });
      res.jfr_file = path.relative(REPO, jfrFile);
    }
    if (stacksFile) {
      cpuProfile.stop(server.pid, ASYNC_PROFILER_LIB, stacksFile);
      res.cpu_profile_file = path.relative(REPO, stacksFile);
      res.cpu_profile = cpuProfile.summarize(stacksFile);
      log(`${key}: ${sname} CPU profile (the whole scenario, its warm-up too), ms by thread: ${res.cpu_profile.slice(0, 8).map((t) => `${t.thread} ${t.cpu_ms}`).join(', ')}`);
    }
    if ((foldThreadNames(res, server.pid) || stacksFile) && outFile) fs.writeFileSync(outFile, JSON.stringify(res, null, 2) + '\n');
    const pgB = store === 'postgres' ? pgCpuS() : null;
    if (pgA !== null && pgB !== null) res.postgres_cpu_s = Math.round((pgB - pgA) * 1000) / 1000;
    if (!o.discard) entry.results[sname] = res;
    if (res.error) log(`${key}: ${sname} error: ${res.error}`);
    await settle(server.pid, key);
    // transactions the scenario committed (the writer's group commits, reads' and the upkeep's too),
    // read after the settle: a backend reports its figures once idle
    const commitsB = commitsA !== null ? commits(db) : null;
    if (commitsA !== null && commitsB !== null) res.postgres_commits = commitsB - commitsA;
  }
  const sat = entry.results['acks-saturation'];
  const sustained = sat && sat.max_sustained_acked_per_s;
  if (store === 'postgres' && servers.alive() && (JFR === 'always' || (JFR === 'auto' && (sustained || 0) < ACK_TARGET)) && sat && sat.steps && sat.steps.length) {
    // near saturation but steady: the highest sustained step's rate (the highest offered if none was)
    const okRates = sat.steps.filter((s) => s.ok).map((s) => s.offered_publishes_per_s);
    entry.results['acks-jfr'] = await jfrStep(key, server, Math.max(...(okRates.length ? okRates : sat.steps.map((s) => s.offered_publishes_per_s))));
  }
  entry.total_cpu_s = S.serverSnapshot(server.pid).cpuS;
  await servers.stop();
  log(`${key}: stopped`);
  return entry;
}

/**
 * One saturation step under JFR (`profile` settings): the recording, the server's CPU per thread, and
 * per thread the Java samples (running) and native samples (in native code: for the store's writer,
 * waiting on PostgreSQL's socket) with their top Roomcast frames (lib/JfrThreads.java). Starting a
 * recording instruments the JDK's socket classes and deoptimises (bench/profile.js), so a warm-up step
 * at the same rate runs under the recording first and only the second step is counted.
 */
async function jfrStep(key, server, rate) {
  const jfrFile = path.join(OUT, `${key}.acks-jfr.jfr`);
  log(`${key}: acks at ${rate}/s under JFR (${path.relative(REPO, jfrFile)}), after a warm-up step under the recording`);
  try {
    execFileSync('jcmd', [String(server.pid), 'JFR.start', 'name=durable', 'settings=profile'], { timeout: 60000 });
  } catch (e) {
    return { error: `JFR.start failed: ${e.message}` };
  }
  const o = { clients: 50, 'rooms-per-client': 10, rate: String(rate), warmup: 1 };
  await runLoadgen(loadgenArgs('acks', { ...o, duration: 8 }, server), null);
  await settle(server.pid, key);
  const names = javaThreadNames(server.pid);
  const threadsA = { threadCpuS: S.procThreadCpuSeconds(server.pid) };
  const pgA = pgCpuS();
  const fromMs = Date.now();
  const res = await runLoadgen(loadgenArgs('acks', { ...o, duration: 10 }, server), null);
  const toMs = Date.now();
  const pgB = pgCpuS();
  const threadsB = { threadCpuS: S.procThreadCpuSeconds(server.pid) };
  try {
    execFileSync('jcmd', [String(server.pid), 'JFR.stop', 'name=durable', `filename=${jfrFile}`], { timeout: 120000 });
  } catch (e) {
    res.jfr_error = e.message;
  }
  // Java names where jcmd gave them (/proc's are cut at 15 characters)
  const threads = Object.entries(S.foldThreadCpu(S.threadCpuDelta(threadsA, threadsB, 0), names)).filter(([, s]) => s > 0.05);
  res.window_ms = [fromMs, toMs];
  res.jfr_file = path.basename(jfrFile);
  res.thread_cpu_s = Object.fromEntries(threads);
  res.postgres_cpu_s = pgA !== null && pgB !== null ? Math.round((pgB - pgA) * 1000) / 1000 : null;
  try {
    res.jfr_threads = jfrThreads(jfrFile, fromMs, toMs);
  } catch (e) {
    res.jfr_threads_error = e.message;
  }
  fs.writeFileSync(path.join(OUT, `${key}.acks-jfr.json`), JSON.stringify(res, null, 2) + '\n');
  log(`${key}: JFR step: server CPU by thread ${threads.slice(0, 8).map(([n, s]) => `${n} ${s}s`).join(', ')}; postgres ${res.postgres_cpu_s}s`);
  return res;
}

/** Per thread: running and native samples in the window, and the top Roomcast frames of each kind. */
function jfrThreads(jfrFile, fromMs, toMs) {
  const out = execFileSync('java', [path.join(BENCH, 'lib', 'JfrThreads.java'), jfrFile, String(fromMs), String(toMs)], { maxBuffer: 64 << 20, timeout: 120000 }).toString();
  const by = {};
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [count, thread, kind, top, roomcast] = line.split('\t');
    // a thread waiting for events is in native code too: epoll, a file watch, a LISTEN connection
    if (kind === 'native' && (/EPoll\.wait|LinuxWatchService\.poll/.test(top) || /durable\.(Outbox\.run|Notifications)/.test(roomcast))) continue;
    const t = (by[thread] = by[thread] || { running: 0, native: 0, frames: {} });
    t[kind] += Number(count);
    const k = `${kind}: ${roomcast !== '-' ? roomcast.replace('io.roomcast.', '') : '(no Roomcast frame)'} @ ${top.replace(/^.*\.([^.]+\.[^.]+)$/, '$1')}`;
    t.frames[k] = (t.frames[k] || 0) + Number(count);
  }
  return Object.entries(by)
    .map(([thread, t]) => ({ thread, running: t.running, native: t.native, top: Object.entries(t.frames).sort((a, b) => b[1] - a[1]).slice(0, 6) }))
    .filter((t) => t.running + t.native > 0)
    .sort((a, b) => b.running + b.native - (a.running + a.native));
}

// ------------------------------------------------------------ the report
const f1 = (v) => (v === null || v === undefined ? '—' : Number(v).toFixed(1));
const f2 = (v) => (v === null || v === undefined ? '—' : Number(v).toFixed(2));
const int = (v) => (v === null || v === undefined ? '—' : Math.round(v).toLocaleString('en-US'));

/** The median of `xs` by `by` (the lower of the two middle ones for an even count), or null for none. */
function median(xs, by = (x) => x) {
  if (!xs.length) return null;
  return [...xs].sort((a, b) => by(a) - by(b))[Math.floor((xs.length - 1) / 2)];
}

/** A fan-out's step of median server CPU per delivery (its only step when it has one). */
function medianStep(res) {
  const steps = ((res && res.steps) || []).filter((s) => s.server && s.server.cpu_us_per_delivery !== null);
  return median(steps, (s) => s.server.cpu_us_per_delivery);
}

function report(summary) {
  const runs = summary.runs.filter((r) => !r.error);
  const L = [];
  L.push(`# Durable rooms: postgres next to memory (${summary.machine.date})`, '');
  L.push(`${summary.machine.nproc} cores (${summary.machine.cpu_model}), ${summary.machine.java}, PostgreSQL ${summary.postgres_version || '?'} (fsync on, synchronous_commit on; roomcast.store.batch-wait ${summary.batch_wait_ms === undefined || summary.batch_wait_ms === '' ? 'default' : `${summary.batch_wait_ms} ms`}), load average at start ${summary.machine.loadavg_at_start.map((x) => x.toFixed(2)).join(' ')}, at end ${(summary.machine.loadavg_at_end || []).map((x) => x.toFixed(2)).join(' ')}.`, '');
  L.push('"+ PG" adds PostgreSQL\'s own CPU (postmaster and backends) to the server\'s. "other %" is the CPU of every other process on the machine during the window (PostgreSQL included), in % of one core.', '');
  L.push('### Fan-out at 20,000 deliveries/s', '');
  L.push('Each figure is the window of median server CPU per delivery among its windows (all of them in brackets); + PG adds PostgreSQL\'s CPU over the whole scenario spread over all its deliveries (warm-up included; its joins too, so a little high).', '');
  L.push('| runtime | shape | store | server µs/delivery | + PG µs/delivery | ratio to memory (server) | ratio (server + PG) | p50 ms | p99 ms | lost | other % |', '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const shape of ['fanout-100x10', 'fanout-1x1000']) {
    for (const r of runs) {
      const res = r.results[shape];
      const s = medianStep(res);
      if (!s) continue;
      const mem = runs.find((m) => m.server === r.server && m.store === 'memory' && (m.rep || 0) === (r.rep || 0));
      const ms = mem && medianStep(mem.results[shape]);
      // PostgreSQL's CPU is read over the whole scenario: spread over every delivery in it, warm-up included
      const deliveries = res.steps.reduce((n, x) => n + x.delivered + (x.warmup_sent || 0) * (res.members || 1), 0);
      const withPg = res.postgres_cpu_s !== undefined && deliveries ? s.server.cpu_us_per_delivery + (res.postgres_cpu_s * 1e6) / deliveries : null;
      const ratio = ms && ms.server.cpu_us_per_delivery ? s.server.cpu_us_per_delivery / ms.server.cpu_us_per_delivery : null;
      const ratioPg = ms && ms.server.cpu_us_per_delivery ? (withPg === null ? s.server.cpu_us_per_delivery : withPg) / ms.server.cpu_us_per_delivery : null;
      const all = res.steps.length > 1 ? ` (${res.steps.map((x) => f1(x.server.cpu_us_per_delivery)).join(', ')})` : '';
      L.push(`| ${r.title} | ${shape.replace('fanout-', '')} | ${r.store} | ${f2(s.server.cpu_us_per_delivery)}${all} | ${withPg === null ? '—' : f2(withPg)} | ${f2(ratio)} | ${f2(ratioPg)} | ${s.latency_ms.p50} | ${s.latency_ms.p99} | ${s.lost} | ${f1(s.other_processes_cpu_pct)} |`);
    }
  }
  if (runs.some((r) => r.rep > 1)) {
    L.push('', 'Across the JVMs (`--repeat`): the median of each JVM\'s figure, each JVM\'s in brackets, and the ratio of the medians:', '');
    L.push('| runtime | shape | memory µs/delivery | postgres µs/delivery | ratio of medians |', '|---|---|---|---|---:|');
    for (const shape of ['fanout-100x10', 'fanout-1x1000']) {
      for (const server of [...new Set(runs.map((r) => r.server))]) {
        const of = (store) => runs.filter((r) => r.server === server && r.store === store).map((r) => medianStep(r.results[shape])).filter(Boolean).map((x) => x.server.cpu_us_per_delivery);
        const m = of('memory');
        const p = of('postgres');
        if (!m.length || !p.length) continue;
        const title = cfg.servers[server].title;
        L.push(`| ${title} | ${shape.replace('fanout-', '')} | ${f1(median(m))} (${m.map(f1).join(', ')}) | ${f1(median(p))} (${p.map(f1).join(', ')}) | ${f2(median(p) / median(m))} |`);
      }
    }
  }
  L.push('', 'Server CPU per delivery by thread in the median window (µs; threads of less than 10 ms in it left out):', '');
  for (const shape of ['fanout-100x10', 'fanout-1x1000']) {
    for (const r of runs) {
      const s = medianStep(r.results[shape]);
      if (!s || !s.server.thread_cpu_s || !s.delivered) continue;
      const per = Object.entries(s.server.thread_cpu_s).slice(0, 8).map(([n, v]) => `${n} ${f1((v * 1e6) / s.delivered)}`);
      const res = r.results[shape];
      const published = res.steps.reduce((n, x) => n + x.sent + (x.warmup_sent || 0), 0);
      const txs = res.postgres_commits ? `; the scenario: ${int(res.postgres_commits)} transactions for ${int(published)} publishes (joins and upkeep included)` : '';
      L.push(`- ${r.title}, ${shape.replace('fanout-', '')}, ${r.store}: ${per.join(', ')}${txs}`);
    }
  }
  L.push('', '### Echo (50 clients, each alone in its room, closed loop)', '');
  L.push('| runtime | store | round trips/s | server µs/round trip | + PG | p50 ms | p99 ms | other % |', '|---|---|---:|---:|---:|---:|---:|---:|');
  for (const r of runs) {
    const e = r.results.echo;
    if (!e || e.error) continue;
    const withPg = e.postgres_cpu_s !== undefined && e.round_trips ? e.server.cpu_us_per_round_trip + (e.postgres_cpu_s * 1e6) / e.round_trips : null;
    L.push(`| ${r.title} | ${r.store} | ${int(e.round_trips_per_s)} | ${f1(e.server.cpu_us_per_round_trip)} | ${withPg === null ? '—' : f1(withPg)} | ${e.latency_ms.p50} | ${e.latency_ms.p99} | ${f1(e.other_processes_cpu_pct)} |`);
  }
  L.push('', '### Publish-to-ack latency at 2,000 acknowledged publishes/s (50 clients × 10 rooms)', '');
  L.push('| runtime | store | acked | unacked | p50 ms | p99 ms | max ms | server µs/ack | + PG | other % |', '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of runs) {
    const a = r.results['acks-2000'];
    const s = a && a.steps && a.steps[0];
    if (!s) continue;
    const withPg = a.postgres_cpu_s !== undefined && s.acked ? s.server.cpu_us_per_ack + (a.postgres_cpu_s * 1e6) / s.acked : null;
    L.push(`| ${r.title} | ${r.store} | ${int(s.acked)} | ${s.unacked} | ${s.ack_latency_ms.p50} | ${s.ack_latency_ms.p99} | ${s.ack_latency_ms.max} | ${f1(s.server.cpu_us_per_ack)} | ${withPg === null ? '—' : f1(withPg)} | ${f1(s.other_processes_cpu_pct)} |`);
  }
  L.push('', '### Acknowledged publishes/s to saturation (steps until acked/s rises < 5 % or a step is not sustained: p99 ≥ 1 s, unacked, errors)', '');
  L.push('| runtime | store | max sustained acked/s | steps: offered → acked/s (p99 ms) | server CPU % at the last step | loadgen CPU % | other % |', '|---|---|---:|---|---:|---:|---:|');
  for (const r of runs) {
    const a = r.results['acks-saturation'];
    if (!a || !a.steps) continue;
    const last = a.steps[a.steps.length - 1];
    const steps = a.steps.map((s) => `${int(s.offered_publishes_per_s)} → ${int(s.acked_per_s)} (${s.ack_latency_ms.p99}${s.ok ? '' : ', not sustained'}${s.loadgen.lagging ? `, load generator ${Math.round(s.sender_max_behind_ms)} ms behind` : ''}${s.held_back ? `, ${int(s.held_back)} held back` : ''}${Object.keys(s.errors).length ? `, errors ${JSON.stringify(s.errors)}` : ''})`).join('; ');
    L.push(`| ${r.title} | ${r.store} | ${int(a.max_sustained_acked_per_s)} | ${steps} | ${f1(last.server.cpu_pct)} | ${f1(last.loadgen.cpu_pct_send_window)} | ${f1(last.other_processes_cpu_pct)} |`);
  }
  const jfr = runs.filter((r) => r.results['acks-jfr']);
  if (jfr.length) {
    L.push('', '### Saturation step under JFR (postgres)', '');
    for (const r of jfr) {
      const j = r.results['acks-jfr'];
      const s = j.steps && j.steps[0];
      L.push(`- ${r.title}: offered ${s ? int(s.offered_publishes_per_s) : '?'}/s, acked ${s ? int(s.acked_per_s) : '?'}/s, p99 ${s ? s.ack_latency_ms.p99 : '?'} ms, window ${s ? s.window_s : '?'} s; recording \`${j.jfr_file}\`; PostgreSQL CPU ${j.postgres_cpu_s} s; server CPU by thread (s): ${Object.entries(j.thread_cpu_s || {}).slice(0, 12).map(([n, v]) => `${n} ${v}`).join(', ')}`);
      if (j.jfr_threads) {
        L.push('', '  | thread | Java samples (running) | native samples (in native code) | top frames (kind: first Roomcast frame @ top frame) |', '  |---|---:|---:|---|');
        for (const t of j.jfr_threads.slice(0, 10)) L.push(`  | ${t.thread} | ${t.running} | ${t.native} | ${t.top.map(([k, n]) => `${n} ${k}`).join('<br>')} |`);
        L.push('');
      }
    }
  }
  L.push('');
  return L.join('\n');
}

function machineInfo() {
  const sh = (c, a) => {
    try {
      return execFileSync(c, a, { timeout: 5000 }).toString().trim();
    } catch (e) {
      return null;
    }
  };
  return {
    date: new Date().toISOString(),
    nproc: sh('nproc', []),
    cpu_model: (/^model name\s*:\s*(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8')) || [])[1] || os.cpus()[0].model,
    java: sh('sh', ['-c', 'java -version 2>&1 | head -1']),
    node: process.version,
    loadavg_at_start: os.loadavg(),
  };
}

async function main() {
  if (opt('--report')) {
    // --report DIR: the tables again from DIR/summary.json (nothing is started)
    const dir = path.resolve(opt('--report'));
    const md = report(JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')));
    fs.writeFileSync(path.join(dir, 'DURABLE.md'), md);
    console.log(md);
    return;
  }
  log(`mode ${QUICK ? 'quick' : 'full'}, servers ${SERVERS.join(', ')}, stores ${STORES.join(', ')}, results in ${OUT}`);
  const summary = { mode: QUICK ? 'quick' : 'full', machine: machineInfo(), batch_wait_ms: BATCH_WAIT, scenarios: SCENARIOS, runs: [] };
  if (STORES.includes('postgres')) {
    await startPostgres();
    summary.postgres_version = psql('SHOW server_version');
    summary.postgres_pid = pg.pid;
  }
  // memory then postgres on each runtime, one after the other: the same build, the same machine drift
  for (const name of SERVERS) {
    const why = missing(name);
    if (why) {
      log(`${name}: ${why}, skipping`);
      summary.runs.push({ server: name, key: name, error: `not built: ${why}`, results: {} });
      continue;
    }
    // --repeat N: memory, postgres, memory, postgres, ...: each store in N JVMs of its own, interleaved
    for (let rep = 1; rep <= REPEAT; rep++) {
      for (const store of STORES) {
        summary.runs.push(await runOne(name, store, REPEAT > 1 ? rep : 0));
        fs.writeFileSync(path.join(OUT, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
      }
    }
  }
  summary.elapsed_s = Math.round((Date.now() - t0) / 1000);
  summary.machine.loadavg_at_end = os.loadavg();
  fs.writeFileSync(path.join(OUT, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  const md = report(summary);
  fs.writeFileSync(path.join(OUT, 'DURABLE.md'), md);
  console.log(md);
  log(`done in ${summary.elapsed_s} s; ${path.relative(REPO, path.join(OUT, 'DURABLE.md'))}`);
}

main()
  .catch((e) => {
    log(`fatal: ${e.stack || e}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await servers.stop();
    await stopPostgres();
    if (!flag('--keep-pg')) fs.rmSync(PG_HOME, { recursive: true, force: true });
  });
