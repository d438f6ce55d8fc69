#!/usr/bin/env node
'use strict';
// Orchestrator: starts each server in turn (Roomcast, then the peers), runs
// every scenario of the plan against it with loadgen.js, stops the server,
// and writes the results + report. Normally called by run-all.sh, which
// installs what is missing first.
//
//   node run-all.js [--quick] [--servers roomcast,roomcast-wildfly,fastapi,node-ws] (roomcast-payara7 on request)
//                   [--no-variants] [--no-docs] [--out DIR]

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const cfg = require('./config');
const { runLoadgen: runLoadgenChild } = require('./lib/loadgen');
const S = require('./lib/stats');
const { createServers, missing } = require('./lib/servers');

const BENCH = __dirname;
const REPO = path.resolve(BENCH, '..');
const { opt, flag } = require('./lib/args');
const QUICK = flag('--quick');
const plan = cfg.plans[QUICK ? 'quick' : 'full'];
const SERVERS = opt('--servers', Object.keys(cfg.servers).filter((n) => !cfg.servers[n].optional).join(',')).split(',').filter(Boolean);
const VARIANTS = !QUICK && !flag('--no-variants');
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
const OUT = path.resolve(opt('--out', path.join(BENCH, 'results', `${stamp}${QUICK ? '-quick' : ''}`)));
const RUN_BUDGET_S = QUICK ? 600 : 1500; // hard stop for the whole run
fs.mkdirSync(OUT, { recursive: true });

const t0 = Date.now();
const log = (...m) => {
  const line = `[run-all +${Math.round((Date.now() - t0) / 1000)}s] ${m.join(' ')}`;
  console.log(line);
  fs.appendFileSync(path.join(OUT, 'run.log'), line + '\n');
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------ server control
const servers = createServers({ out: OUT, log });
process.on('exit', servers.killSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`got ${sig}, stopping`);
    servers.killSync();
    process.exit(130);
  });
}
// Soft budget: extra JVM variants are skipped when they would end after it.
const SOFT_BUDGET_S = QUICK ? 300 : Number(process.env.BENCH_BUDGET_S || 840);
let summaryRef = null;
setTimeout(() => {
  log(`hard run budget of ${RUN_BUDGET_S}s exceeded, stopping; writing the report of what was measured`);
  servers.killSync();
  try {
    if (summaryRef) {
      summaryRef.aborted = `hard budget of ${RUN_BUDGET_S}s exceeded`;
      summaryRef.elapsed_s = Math.round((Date.now() - t0) / 1000);
      fs.writeFileSync(path.join(OUT, 'summary.json'), JSON.stringify(summaryRef, null, 2) + '\n');
      require('./report').write(summaryRef, OUT, { docs: !QUICK && !flag('--no-docs') });
    }
  } catch (e) {
    log(`report failed: ${e.message}`);
  }
  process.exit(3);
}, RUN_BUDGET_S * 1000).unref();

/** Wait (max 60 s) until the server is idle again (< 10 % of a core for 1 s). */
async function settle(pid, key) {
  const { idle, waitedS, pct } = await S.waitIdle([pid]);
  if (!idle) log(`${key}: server still busy (${pct[0]} % CPU) 60 s after the scenario; going on`);
  if (waitedS > 3) log(`${key}: waited ${waitedS.toFixed(0)} s for the server to go idle`);
}

/** Wait (max maxS) until the rest of the machine is quiet before starting a server. */
async function waitQuiet(maxS) {
  const start = Date.now();
  let quietFor = 0;
  let last = null;
  while ((Date.now() - start) / 1000 < maxS) {
    const a = S.machineBusySeconds();
    await sleep(1000);
    const b = S.machineBusySeconds();
    last = b - a;
    quietFor = last < 0.25 ? quietFor + 1 : 0;
    if (quietFor >= 3) break;
  }
  const waited = Math.round((Date.now() - start) / 1000);
  if (quietFor < 3) log(`machine still busy after ${waited} s (${Math.round(last * 100)} % CPU used by other processes); starting anyway`);
  else if (waited > 4) log(`waited ${waited} s for other processes on the machine to go quiet`);
  return { waited_s: waited, quiet: quietFor >= 3, other_cpu_pct_last_s: last === null ? null : Math.round(last * 100) };
}

// ------------------------------------------------------------ scenarios
function loadgenArgs(scenario, o, server) {
  const a = [path.join(BENCH, 'loadgen.js'), scenario, '--host', cfg.host, '--port', String(server.port), '--server-pid', String(server.pid), '--src', String(cfg.sourceAddresses), '--max-time', '240'];
  for (const [k, v] of Object.entries(o)) {
    if (k === 'discard' || k === 'sweep') continue;
    a.push(`--${k}`, String(v));
  }
  if (o.sweep) a.push('--rate', plan.rates.join(','), '--stop-on-fail', '--always-until', String(cfg.sweepAlwaysUntil), '--must-rates', cfg.compareRates.join(','), '--slo-ms', String(cfg.sloMs));
  return a;
}

function runLoadgen(args, outFile) {
  return runLoadgenChild(args, outFile, { log, jwtSecret: cfg.jwtSecret, timeoutMs: 300000 });
}

async function runServer(name, variant, scenarios) {
  const key = variant && variant !== cfg.jvm.main ? `${name}-${variant}` : name;
  const entry = { server: name, variant: variant || null, key, title: cfg.servers[name].title, results: {} };
  let server;
  entry.quiet_check = await waitQuiet(QUICK ? 10 : Number(process.env.BENCH_QUIET_WAIT_S || 20));
  try {
    server = await servers.start(name, variant);
  } catch (e) {
    log(`${key}: ${e.message}`);
    entry.error = e.message;
    return entry;
  }
  Object.assign(entry, { pid: server.pid, port: server.port, ready_s: server.readyS, idle_rss_kb: server.idleRssKb, idle_threads: server.idleThreads, jvm_opts: server.jvmOpts, command: server.command });
  server.name = name;
  for (const [sname, scenario, o] of scenarios) {
    if (!servers.alive()) {
      entry.results[sname] = { error: 'server died' };
      continue;
    }
    log(`${key}: ${sname}`);
    const res = await runLoadgen(loadgenArgs(scenario, o, server), o.discard ? null : path.join(OUT, `${key}.${sname}.json`));
    if (!o.discard) entry.results[sname] = res;
    if (res.error) log(`${key}: ${sname} error: ${res.error}`);
    await settle(server.pid, key);
  }
  const snap = S.serverSnapshot(server.pid);
  entry.final_rss_kb = snap.rssKb;
  entry.total_cpu_s = snap.cpuS;
  await servers.stop();
  log(`${key}: stopped`);
  return entry;
}

function machineInfo() {
  const sh = (c, a) => {
    try {
      return execFileSync(c, a, { timeout: 5000 }).toString().trim();
    } catch (e) {
      return null;
    }
  };
  const cpuModel = (/^model name\s*:\s*(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8')) || [])[1] || os.cpus()[0].model;
  const pyVersions = sh('/usr/bin/python3', ['-c', 'import fastapi, uvicorn, websockets; print("fastapi", fastapi.__version__, "uvicorn", uvicorn.__version__, "websockets", websockets.__version__)']);
  return {
    date: new Date().toISOString(),
    nproc: sh('nproc', []),
    free_h: sh('free', ['-h']),
    cpu_model: cpuModel,
    kernel: os.release(),
    node: process.version,
    ws: require('ws/package.json').version,
    java: sh('sh', ['-c', 'java -version 2>&1 | head -1']),
    python: sh('/usr/bin/python3', ['--version']),
    python_packages: pyVersions,
    loadavg_at_start: os.loadavg(),
  };
}

async function main() {
  log(`mode ${QUICK ? 'quick' : 'full'}, servers ${SERVERS.join(', ')}, results in ${OUT}`);
  const summary = (summaryRef = { mode: QUICK ? 'quick' : 'full', machine: machineInfo(), config: { jvm: cfg.jvm, servers: cfg.servers, rates: plan.rates, sloMs: cfg.sloMs, sourceAddresses: cfg.sourceAddresses, heartbeatSeconds: cfg.heartbeatSeconds, jwtSecret: '(set)' }, runs: [] });
  for (const name of SERVERS) {
    if (!cfg.servers[name]) {
      log(`unknown server ${name}`);
      continue;
    }
    const why = missing(name);
    if (why) {
      log(`${name}: ${why}, skipping`);
      summary.runs.push({ server: name, key: name, title: cfg.servers[name].title, error: `not built: ${why}`, results: {} });
      continue;
    }
    summary.runs.push(await runServer(name, cfg.servers[name].runtime ? cfg.jvm.main : null, plan.scenarios));
    fs.writeFileSync(path.join(OUT, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  }
  if (VARIANTS && SERVERS.includes('roomcast') && summary.runs.find((r) => r.server === 'roomcast' && !r.error)) {
    for (const v of cfg.jvm.compare) {
      const elapsed = (Date.now() - t0) / 1000;
      if (elapsed + 150 > SOFT_BUDGET_S) {
        log(`skipping JVM variant ${v}: ${Math.round(elapsed)} s elapsed, it would end after the ${SOFT_BUDGET_S} s budget (BENCH_BUDGET_S)`);
        summary.skipped_variants = [...(summary.skipped_variants || []), v];
        continue;
      }
      summary.runs.push(await runServer('roomcast', v, plan.variantScenarios));
      fs.writeFileSync(path.join(OUT, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    }
  }
  summary.elapsed_s = Math.round((Date.now() - t0) / 1000);
  summary.machine.loadavg_at_end = os.loadavg();
  fs.writeFileSync(path.join(OUT, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  const latest = path.join(BENCH, 'results', 'latest');
  try {
    fs.rmSync(latest, { force: true });
    fs.symlinkSync(OUT, latest);
  } catch (e) {
    /* not fatal */
  }
  log(`all runs done in ${summary.elapsed_s} s`);
  const report = require('./report');
  const writeDocs = !QUICK && !flag('--no-docs');
  const files = report.write(summary, OUT, { docs: writeDocs });
  for (const f of files) log(`wrote ${path.relative(REPO, f)}`);
}

main().catch(async (e) => {
  log(`fatal: ${e.stack || e}`);
  await servers.stop();
  process.exit(1);
});
