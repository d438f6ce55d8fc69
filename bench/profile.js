#!/usr/bin/env node
'use strict';
// Where each microsecond goes: for each Roomcast runtime, runs a scenario under JDK Flight Recorder
// and splits the server CPU of one operation (an echo round trip, a fan-out delivery) into
//   - the JVM's own threads (GC, JIT compilers, JFR itself, other VM threads), from per-thread CPU;
//   - the kernel time of the application threads (socket reads and writes, epoll, futex);
//   - their user time, shared out by JFR execution samples, each sample charged to the first frame
//     from the top that is not the JDK's (Roomcast's own code by package, Weld, Tyrus, Grizzly,
//     Undertow, XNIO, JSON, ...; stacks of JDK frames only by what the top frame does).
// The per-operation total is the load generator's figure for the same window (server CPU / ops).
//
//   node bench/profile.js [--servers roomcast,roomcast-wildfly] [--scenarios echo,fanout-1x1000,fanout-100x10,idle-10k,idle-10k-long]
//                         [--duration 15] [--warmup-rounds 3] [--wars before=a.war,after=b.war] [--rounds 1] [--out DIR]
// Writes <out>/PROFILE.md (the tables for docs/BENCHMARKS.md), the .jfr files and JSON. Loopback only;
// the only process signalled is the server it started.

const fs = require('fs');
const path = require('path');
const { spawn, execFileSync } = require('child_process');
const cfg = require('./config');
const S = require('./lib/stats');
const { createServers, missing } = require('./lib/servers');

const BENCH = __dirname;
const { opt } = require('./lib/args');
const SERVERS = opt('--servers', 'roomcast,roomcast-wildfly').split(',');
const DURATION = Number(opt('--duration', 15));
const WARMUP_ROUNDS = Number(opt('--warmup-rounds', 3));
/** With --wars, builds alternate A, B, A, B... for this many rounds, so drift of the machine hits both. */
const ROUNDS = Number(opt('--rounds', 1));
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
const OUT = path.resolve(opt('--out', path.join(BENCH, 'results', `${stamp}-profile`)));
fs.mkdirSync(OUT, { recursive: true });

/** Not an operation: a second of holding 10,000 idle connections for `holdS`, in µs of CPU. */
function idleScenario(holdS, label) {
  return { loadgen: ['connections', '--connections', '10000', '--hold', String(holdS), '--rooms', '100'], op: `second holding 10,000 idle connections${label}`, perOp: (r) => r.server.idle_cpu_pct * 1e4, ops: () => null, other: () => null };
}
const SCENARIOS = {
  echo: { loadgen: ['echo', '--clients', '50', '--warmup', '2'], op: 'echo round trip', perOp: (r) => r.server.cpu_us_per_round_trip, ops: (r) => r.round_trips, other: (r) => r.other_processes_cpu_pct },
  'fanout-1x1000': { loadgen: ['fanout', '--rooms', '1', '--members', '1000', '--publishers', '10', '--rate', '20000', '--warmup', '2', '--drain-max', '5'], op: 'delivery (1×1000 @ 20k/s)', perOp: (r) => r.steps[0].server.cpu_us_per_delivery, ops: (r) => r.steps[0].delivered, other: (r) => r.steps[0].other_processes_cpu_pct },
  'idle-10k': idleScenario(25, ''),
  // Long enough for two heartbeat rounds at Roomcast's default interval (30 s; pass
  // BENCH_SET_ROOMCAST_HEARTBEAT_INTERVAL=30 with --wars, config.js pings every 5 s).
  'idle-10k-long': idleScenario(65, ' (65 s)'),
  'fanout-100x10': { loadgen: ['fanout', '--rooms', '100', '--members', '10', '--rate', '20000', '--warmup', '2', '--drain-max', '5'], op: 'delivery (100×10 @ 20k/s)', perOp: (r) => r.steps[0].server.cpu_us_per_delivery, ops: (r) => r.steps[0].delivered, other: (r) => r.steps[0].other_processes_cpu_pct },
};
const WANTED = opt('--scenarios', 'echo,fanout-1x1000,fanout-100x10').split(',');
/**
 * --wars before=a.war,after=b.war: each runtime runs each build, one after the other, in one run.
 * A build may carry settings for the bench's server start (lib/servers.js), after semicolons:
 * 'plain=t.war;BENCH_PAYARA_PREBOOT=,tuned=t.war' compares one WAR with and without a setting.
 */
const WARS = opt('--wars', '')
  ? opt('--wars').split(',').map((spec) => {
      const [labelWar, ...settings] = spec.split(';');
      const [label, war] = labelWar.split('=');
      return [label, war, Object.fromEntries(settings.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]))];
    })
  : [[null, null, {}]];

const t0 = Date.now();
const log = (...m) => {
  const line = `[profile +${Math.round((Date.now() - t0) / 1000)}s] ${m.join(' ')}`;
  console.log(line);
  fs.appendFileSync(path.join(OUT, 'run.log'), line + '\n');
};
const servers = createServers({ out: OUT, log });
process.on('exit', servers.killSync);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

// ------------------------------------------------------------ per-thread CPU
/** {name -> {user, system}} seconds, summed over the threads of each name class. */
function threadCpu(pid) {
  const tck = S.ticksPerSecond();
  const out = {};
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const group = threadGroup(name);
      const g = (out[group] = out[group] || { user: 0, system: 0 });
      g.user += Number(rest[11]) / tck;
      g.system += Number(rest[12]) / tck;
    } catch (e) {
      /* the thread ended */
    }
  }
  return out;
}

function threadGroup(name) {
  if (/^(GC Thread|G1 |VM Periodic|GC )/.test(name) || /^G1/.test(name)) return 'jvm:GC';
  if (/CompilerThre/.test(name)) return 'jvm:JIT compilers';
  if (/^JFR /.test(name) || /^JFR/.test(name)) return 'jvm:JFR (the profiler itself)';
  if (/^(VM Thread|Service Thread|Signal Dispatch|Finalizer|Reference Handl|Common-Cleaner|Notification Th|Monitor Deflati|Sweeper)/.test(name)) return 'jvm:other VM threads';
  return 'app';
}

function diff(a, b) {
  const out = {};
  for (const k of Object.keys(b)) out[k] = { user: b[k].user - ((a[k] || {}).user || 0), system: b[k].system - ((a[k] || {}).system || 0) };
  return out;
}

// ------------------------------------------------------------ JFR samples
const OWNERS = [
  [/^io\.roomcast\.([a-z]+)\./, (m) => `Roomcast: ${m[1]}`],
  [/^org\.jboss\.weld\./, () => 'Weld (CDI client proxies, contexts, interceptors)'],
  [/^org\.glassfish\.tyrus\./, () => 'Tyrus (WebSocket framing, sessions)'],
  [/^org\.glassfish\.grizzly\./, () => 'Grizzly (network I/O, filter chain)'],
  [/^(org\.eclipse\.parsson|org\.glassfish\.json|jakarta\.json)\./, () => 'JSON (Parsson)'],
  [/^io\.undertow\./, () => 'Undertow (WebSocket framing, channels)'],
  [/^org\.xnio\./, () => 'XNIO (network I/O)'],
  [/^org\.jboss\.threads\./, () => 'JBoss Threads (executor hand-off)'],
  [/^com\.hazelcast\./, () => 'Hazelcast'],
  [/^(org\.apache\.catalina|org\.apache\.coyote|org\.apache\.tomcat|org\.glassfish\.web|com\.sun\.enterprise|com\.sun\.web|fish\.payara|org\.glassfish)\./, () => 'Payara container (servlet upgrade, invocation context)'],
  [/^(org\.jboss|org\.wildfly|io\.smallrye)\./, () => 'WildFly container (other)'],
];

/** The owner of a sample: its first frame that is not the JDK's, or what its top frame does. */
function owner(type, topType) {
  if (type !== '-') {
    // Weld's client proxies are named after the bean's class: charge them to Weld, not to the bean.
    if (type.includes('$Proxy$_$$_Weld')) return 'Weld (CDI client proxies, contexts, interceptors)';
    for (const [re, name] of OWNERS) {
      const m = re.exec(type);
      if (m) return name(m);
    }
    return `other: ${type.split('.').slice(0, 3).join('.')}`;
  }
  if (/^sun\.nio\.ch\.|^java\.nio\./.test(topType)) return 'JDK only: NIO (sockets, buffers)';
  if (/^java\.util\.concurrent\.|^jdk\.internal\.misc\.Unsafe|^java\.lang\.Thread/.test(topType)) return 'JDK only: concurrency (queues, locks, parking)';
  if (/^sun\.nio\.cs\.|^java\.lang\.String/.test(topType)) return 'JDK only: strings and charsets';
  return 'JDK only: other';
}

const short = (type) => type.replace(/^.*\.([^.]+\.[^.]+)$/, '$1');

/** Execution samples in the window, counted by owner, by owner method and by Roomcast method (lib/JfrSamples.java). */
function samples(jfrFile, fromMs, toMs) {
  const out = execFileSync('java', [path.join(BENCH, 'lib', 'JfrSamples.java'), jfrFile, String(fromMs), String(toMs)], { maxBuffer: 256 << 20 }).toString();
  const byOwner = new Map();
  const byMethod = new Map();
  const byOwnerMethod = new Map();
  const add = (map, key, n) => map.set(key, (map.get(key) || 0) + n);
  let total = 0;
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [count, type, method, topType, topMethod, roomcast] = line.split('\t');
    const n = Number(count);
    total += n;
    const o = owner(type, topType);
    add(byOwner, o, n);
    if (roomcast !== '-') add(byMethod, roomcast.replace('io.roomcast.', ''), n);
    add(byOwnerMethod, `${o} | ${type !== '-' ? `${short(type)}.${method}` : `(JDK) ${short(topType)}.${topMethod}`}`, n);
  }
  return { total, byOwner, byMethod, byOwnerMethod };
}

// ------------------------------------------------------------ running
function loadgen(args, server, duration = DURATION) {
  return new Promise((resolve) => {
    const a = [path.join(BENCH, 'loadgen.js'), ...args, '--host', cfg.host, '--port', String(server.port), '--server-pid', String(server.pid), '--src', String(cfg.sourceAddresses), '--duration', String(duration), '--max-time', '240'];
    const child = spawn(process.execPath, a, { cwd: BENCH, env: { ...process.env, ROOMCAST_JWT_SECRET: cfg.jwtSecret }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => String(d).split('\n').filter((l) => l.trim()).forEach((l) => log('  ' + l)));
    child.on('exit', () => {
      try {
        resolve(JSON.parse(out));
      } catch (e) {
        resolve({ error: 'unparsable loadgen output' });
      }
    });
  });
}

/**
 * JFR's "profile" settings with Java samples every 2 ms instead of 10: a 15 s window then gives
 * thousands of samples rather than a few hundred. Made from the running JDK's own profile.jfc.
 */
function samplingSettings() {
  const javaHome = path.resolve(path.dirname(fs.realpathSync(execFileSync('sh', ['-c', 'command -v java']).toString().trim())), '..');
  const jfc = fs.readFileSync(path.join(javaHome, 'lib', 'jfr', 'profile.jfc'), 'utf8')
    .replace(/(<setting name="period" control="method-sampling-java-interval">)10 ms</, `$1${SAMPLE_MS} ms<`);
  const file = path.join(OUT, 'sampling.jfc');
  fs.writeFileSync(file, jfc);
  return file;
}
const SAMPLE_MS = 2;

async function profileScenario(name, key, server) {
  const sc = SCENARIOS[name];
  const jfrFile = path.join(OUT, `${key}.${name}.jfr`);
  const before = threadCpu(server.pid);
  const fromMs = Date.now();
  const result = await loadgen(sc.loadgen, server);
  const toMs = Date.now();
  const after = threadCpu(server.pid);
  execFileSync('jcmd', [String(server.pid), 'JFR.dump', 'name=roomcast-profile', `filename=${jfrFile}`]);
  if (result.error) return { name, error: result.error };
  const perOp = sc.perOp(result);
  const threads = diff(before, after);
  const total = Object.values(threads).reduce((s, t) => s + t.user + t.system, 0);
  const app = threads.app || { user: 0, system: 0 };
  // Idle: only the quiet part of the hold counts (not connecting, not the full GC of the snapshot).
  const idle = result.server && result.server.idle_window_ms;
  const smp = idle ? samples(jfrFile, idle[0], idle[1]) : samples(jfrFile, fromMs, toMs);
  const rows = [];
  const us = (seconds) => (perOp * seconds) / total;
  if (idle) {
    // The per-thread CPU covers the whole run (connecting included): only the samples' shares hold.
    for (const [o, n] of smp.byOwner) rows.push({ what: `${o} (share of the Java samples)`, us: perOp * (n / smp.total), samples: n });
  } else {
    for (const [group, t] of Object.entries(threads)) {
      if (group !== 'app') rows.push({ what: group.replace('jvm:', 'JVM: '), us: us(t.user + t.system) });
    }
    rows.push({ what: 'kernel, application threads (socket reads/writes, epoll, futex)', us: us(app.system) });
    for (const [o, n] of smp.byOwner) rows.push({ what: o, us: us(app.user) * (n / smp.total), samples: n });
  }
  rows.sort((a, b) => b.us - a.us);
  const share = (n) => (idle ? perOp : us(app.user)) * (n / smp.total);
  const methods = [...smp.byMethod.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12)
    .map(([m, n]) => ({ what: m, us: share(n), samples: n }));
  const hot = [...smp.byOwnerMethod.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)
    .map(([m, n]) => ({ what: m, us: share(n), samples: n }));
  fs.writeFileSync(path.join(OUT, `${key}.${name}.json`), JSON.stringify({ result, threads, samples: smp.total, rows, methods, hot }, null, 2));
  log(`${key} ${name}: ${perOp} µs per ${sc.op}, ${smp.total} samples, ${Math.round(total)} s CPU`);
  return { name, op: sc.op, perOp, samples: smp.total, cpuS: total, rows, methods, hot, other: sc.other(result) };
}

function table(p) {
  const lines = [`${p.samples} samples; other processes on the machine used ${p.other} % of a core meanwhile.`, '',
    `| ${p.op}: ${p.perOp.toFixed(1)} µs of server CPU | µs | share | JFR samples |`, '|---|---:|---:|---:|'];
  for (const r of p.rows.filter((x) => x.us >= 0.05)) lines.push(`| ${r.what} | ${r.us.toFixed(1)} | ${((100 * r.us) / p.perOp).toFixed(1)} % | ${r.samples || ''} |`);
  lines.push('', `Roomcast's own methods (top frames of its share; µs per ${p.op}):`, '', '| method | µs | samples |', '|---|---:|---:|');
  for (const m of p.methods) lines.push(`| \`${m.what}\` | ${m.us.toFixed(2)} | ${m.samples} |`);
  lines.push('', '<details><summary>Hottest entry points into each owner (first non-JDK frame)</summary>', '', '| owner | method | µs | samples |', '|---|---|---:|---:|');
  for (const h of p.hot) {
    const [o, m] = h.what.split(' | ');
    lines.push(`| ${o} | \`${m}\` | ${h.us.toFixed(2)} | ${h.samples} |`);
  }
  lines.push('', '</details>');
  return lines.join('\n');
}

/** Builds side by side: server CPU per operation, each round, and the mean. */
function comparison(rows) {
  const labels = [...new Set(rows.map((r) => r.label))];
  const lines = [`| runtime | scenario | ${labels.map((l) => `${l}: µs per op (rounds; other procs %)`).join(' | ')} |`, `|---|---|${labels.map(() => '---').join('|')}|`];
  for (const server of [...new Set(rows.map((r) => r.server))]) {
    for (const scenario of [...new Set(rows.map((r) => r.scenario))]) {
      const cells = labels.map((label) => {
        const mine = rows.filter((r) => r.server === server && r.scenario === scenario && r.label === label);
        if (!mine.length) return '–';
        const mean = mine.reduce((a, r) => a + r.perOp, 0) / mine.length;
        return `**${mean.toFixed(1)}** (${mine.map((r) => `${r.perOp.toFixed(1)}; ${Math.round(r.other)} %`).join(', ')})`;
      });
      lines.push(`| ${cfg.servers[server].title} | ${scenario} | ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

async function main() {
  log(`servers ${SERVERS.join(', ')}, scenarios ${WANTED.join(', ')}, ${DURATION} s each, results in ${OUT}`);
  const md = [`# Profile, ${new Date().toISOString()}`, '', `${DURATION} s per scenario under \`JFR settings=profile\` (JFR's own cost is its own row). Per-operation totals from the load generator.`, ''];
  const perOp = []; // {server, label, scenario, round, perOp, other}
  for (const name of SERVERS) for (let round = 1; round <= ROUNDS; round++) for (const [label, war, settings] of WARS) {
    for (const k of Object.keys(process.env)) if (k === 'BENCH_PAYARA_PREBOOT' || k === 'BENCH_WILDFLY_WEBSOCKETS' || k === 'BENCH_WILDFLY_IO_WORKER' || k.startsWith('BENCH_SET_')) delete process.env[k];
    Object.assign(process.env, settings);
    const why = missing(name);
    if (why) {
      log(`${name}: ${why}`);
      continue;
    }
    const key = `${name}${label ? `@${label}` : ''}${ROUNDS > 1 ? `-r${round}` : ''}`;
    const server = await servers.start(name, null, { war: war && path.resolve(war) });
    // One recording from before the warm-up, dumped after each scenario and cut to its window:
    // starting JFR instruments the JDK's socket classes, and the deoptimisation that follows kept
    // the JIT compilers busy for a third of the CPU of a window that started the recording.
    execFileSync('jcmd', [String(server.pid), 'JFR.start', 'name=roomcast-profile', `settings=${samplingSettings()}`]);
    log(`${name}: warm-up`);
    // Until the JIT is done with the hot paths: with less, the compilers took a third of the CPU.
    for (let round = 0; round < WARMUP_ROUNDS; round++) {
      await loadgen(['fanout', '--rooms', '100', '--members', '10', '--rate', '20000', '--warmup', '1', '--drain-max', '5'], server, 8);
      await loadgen(['fanout', '--rooms', '1', '--members', '1000', '--publishers', '10', '--rate', '20000', '--warmup', '1', '--drain-max', '5'], server, 8);
      await loadgen(['echo', '--clients', '50', '--warmup', '1'], server, 8);
    }
    md.push(`## ${cfg.servers[name].title}${label ? `, build "${label}" (${war}${Object.keys(settings).length ? `, ${JSON.stringify(settings)}` : ''})` : ''}${ROUNDS > 1 ? `, round ${round}` : ''}`, '');
    for (const sc of WANTED) {
      await S.waitIdle([server.pid]);
      const p = await profileScenario(sc, key, server);
      md.push(`### ${sc}`, '', p.error ? `error: ${p.error}` : table(p), '');
      if (!p.error) perOp.push({ server: name, label, scenario: sc, round, perOp: p.perOp, other: p.other });
    }
    await servers.stop();
  }
  if (WARS.length > 1 || ROUNDS > 1) md.splice(4, 0, comparison(perOp), '');
  fs.writeFileSync(path.join(OUT, 'PROFILE.md'), md.join('\n') + '\n');
  log(`wrote ${path.join(OUT, 'PROFILE.md')}`);
}

main().catch(async (e) => {
  log(`fatal: ${e.stack || e}`);
  await servers.stop();
  process.exit(1);
});
