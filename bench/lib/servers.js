'use strict';
// The servers under test, one at a time: how each is started (command, environment, port), when it
// is ready (GET /api/status answers 200), and how it is stopped. Used by run-all.js and profile.js.
//
// Roomcast runs twice, the same target/roomcast.war each time: on Payara Micro (`roomcast`) and on
// WildFly (`roomcast-wildfly`, standalone.xml as shipped, deployed as ROOT.war so that both serve
// at /). Both JVMs are started directly, so the PID we hold is the server's (CPU and memory are read
// from /proc/PID), and only that PID is ever signalled.

const fs = require('fs');
const path = require('path');
const http = require('http');
const { spawn } = require('child_process');
const cfg = require('../config');
const S = require('./stats');
const { freePorts } = require('./ports');

const BENCH = path.resolve(__dirname, '..');
const REPO = path.resolve(BENCH, '..');
const WORK = path.join(BENCH, '.work');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** What WildFly's bin/common.sh passes to a Java 17 JVM (the modules need them). */
const WILDFLY_MODULE_OPTIONS = [
  '--add-exports=java.desktop/sun.awt=ALL-UNNAMED',
  '--add-exports=java.naming/com.sun.jndi.ldap=ALL-UNNAMED',
  '--add-exports=java.naming/com.sun.jndi.url.ldap=ALL-UNNAMED',
  '--add-exports=java.naming/com.sun.jndi.url.ldaps=ALL-UNNAMED',
  '--add-exports=jdk.naming.dns/com.sun.jndi.dns=ALL-UNNAMED',
  '--add-opens=java.base/java.lang=ALL-UNNAMED',
  '--add-opens=java.base/java.lang.invoke=ALL-UNNAMED',
  '--add-opens=java.base/java.lang.reflect=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/java.net=ALL-UNNAMED',
  '--add-opens=java.base/java.security=ALL-UNNAMED',
  '--add-opens=java.base/java.util=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent=ALL-UNNAMED',
  '--add-opens=java.management/javax.management=ALL-UNNAMED',
  '--add-opens=java.naming/javax.naming=ALL-UNNAMED',
  '--add-modules=java.se',
];

function wildflyHome() {
  const target = path.join(REPO, 'target');
  const dir = fs.existsSync(target) ? fs.readdirSync(target).find((d) => /^wildfly-\d/.test(d)) : null;
  return dir && fs.existsSync(path.join(target, dir, 'jboss-modules.jar')) ? path.join(target, dir) : null;
}

/** Whether a server can be started here; a reason when it cannot. */
function missing(name) {
  if (cfg.servers[name].runtime === 'payara') {
    const jar = payaraJar(name);
    if (!fs.existsSync(path.join(REPO, 'target', 'roomcast.war')) || !fs.existsSync(jar)) return `target/roomcast.war or ${path.relative(REPO, jar)} missing`;
    const java = cfg.servers[name].java;
    return java && !fs.existsSync(java) ? `${java} missing` : null;
  }
  if (cfg.servers[name].runtime === 'wildfly') {
    if (!fs.existsSync(path.join(REPO, 'target', 'roomcast.war'))) return 'target/roomcast.war missing';
    return wildflyHome() ? null : 'target/wildfly-*/ missing (mvn -Pwildfly dependency:unpack@wildfly-dist)';
  }
  return null;
}

/** A copy of the WAR (and of Payara Micro), so a concurrent `mvn package` cannot pull them away mid-run. */
function copyArtifact(file, as) {
  fs.mkdirSync(WORK, { recursive: true });
  const copy = path.join(WORK, as);
  if (path.resolve(file) === copy) return copy; // already a copy of ours
  fs.copyFileSync(file, copy);
  return copy;
}

/**
 * XML attributes for one of WildFly's elements (docs/DEPLOYMENT.md, "Container settings"): the
 * environment variable `env` ("k=v,k=v"; "" for WildFly's defaults) to compare, else config.js's `key`
 * of roomcast-wildfly. Undertow's `<websockets/>`: BENCH_WILDFLY_WEBSOCKETS / `websockets`; the io
 * subsystem's default `<worker/>`: BENCH_WILDFLY_IO_WORKER / `ioWorker`.
 */
function wildflyAttributes(env, key) {
  const spec = process.env[env] ?? cfg.servers['roomcast-wildfly'][key] ?? '';
  return spec.split(',').filter(Boolean).map((kv) => kv.split('=')).map(([k, v]) => ` ${k}="${v}"`).join('');
}

/**
 * The pre-boot command file Payara Micro runs (the run command's, src/main/payara/pre-boot.asadmin),
 * or BENCH_PAYARA_PREBOOT: another file, or empty for Payara's defaults (to compare).
 */
function payaraPreBoot(name) {
  const file = process.env.BENCH_PAYARA_PREBOOT ?? path.join(REPO, cfg.servers[name].preBootFile);
  return file ? path.resolve(file) : null;
}

/** A fresh standalone/ for WildFly under bench/.work, with the WAR as ROOT.war (served at /). */
function wildflyBase(war) {
  const home = wildflyHome();
  const base = path.join(WORK, 'wildfly-standalone');
  fs.rmSync(base, { recursive: true, force: true });
  fs.cpSync(path.join(home, 'standalone'), base, { recursive: true });
  for (const d of ['data', 'tmp', 'log']) fs.rmSync(path.join(base, d), { recursive: true, force: true });
  const xml = path.join(base, 'configuration', 'standalone.xml');
  fs.writeFileSync(xml, fs.readFileSync(xml, 'utf8')
    .replace('<websockets/>', `<websockets${wildflyAttributes('BENCH_WILDFLY_WEBSOCKETS', 'websockets')}/>`)
    .replace('<worker name="default"/>', `<worker name="default"${wildflyAttributes('BENCH_WILDFLY_IO_WORKER', 'ioWorker')}/>`));
  fs.copyFileSync(war || path.join(REPO, 'target', 'roomcast.war'), path.join(base, 'deployments', 'ROOT.war'));
  return { home, base };
}

/** Payara Micro's jar: target/payara-micro.jar (the build's), or the server's own `jar` in config.js. */
function payaraJar(name) {
  return cfg.servers[name].jar ? path.resolve(REPO, cfg.servers[name].jar) : path.join(REPO, 'target', 'payara-micro.jar');
}

function jvmOptions(variant) {
  return (variant === cfg.jvm.main && process.env.BENCH_JVM_OPTS) || cfg.jvm.variants[variant || cfg.jvm.main];
}

/**
 * The server's environment: ours, then config.js's for that server (or `own`, which replaces it:
 * abuse.js runs Roomcast with its defaults), then BENCH_SET_<NAME>=value as NAME=value, which beats
 * both (e.g. BENCH_SET_ROOMCAST_HEARTBEAT_INTERVAL=30 for the default heartbeat; profile.js --wars
 * passes such settings per build).
 */
function serverEnv(s, own) {
  const env = { ...process.env, ...(own || s.env) };
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('BENCH_SET_')) env[k.slice('BENCH_SET_'.length)] = v;
  return env;
}

function command(name, variant, port, war, ownEnv) {
  const s = cfg.servers[name];
  const env = serverEnv(s, ownEnv);
  if (s.runtime === 'payara') {
    const jvmOpts = jvmOptions(variant);
    const deployed = copyArtifact(war || path.join(REPO, 'target', 'roomcast.war'), 'roomcast.war');
    const jar = copyArtifact(payaraJar(name), path.basename(payaraJar(name)));
    const args = [...jvmOpts.split(/\s+/).filter(Boolean), '-jar', jar, '--deploy', deployed, '--contextroot', '/', '--port', String(port), '--nocluster'];
    const preBoot = payaraPreBoot(name);
    if (preBoot) args.push('--prebootcommandfile', preBoot);
    return { cmd: s.java || 'java', args, cwd: REPO, env, jvmOpts };
  }
  if (s.runtime === 'wildfly') {
    const jvmOpts = jvmOptions(variant);
    const { home, base } = wildflyBase(war);
    // One offset moves every socket binding (http = 8080 + offset, management 9990 + offset, ...).
    const offset = port - 8080;
    const args = [
      ...jvmOpts.split(/\s+/).filter(Boolean),
      ...WILDFLY_MODULE_OPTIONS,
      `-Djboss.home.dir=${home}`,
      `-Djboss.server.base.dir=${base}`,
      `-Dorg.jboss.boot.log.file=${path.join(base, 'log', 'server.log')}`,
      `-Dlogging.configuration=file:${path.join(base, 'configuration', 'logging.properties')}`,
      '-Djava.net.preferIPv4Stack=true',
      `-Djboss.bind.address=${cfg.host}`,
      `-Djboss.bind.address.management=${cfg.host}`,
      `-Djboss.socket.binding.port-offset=${offset}`,
      '-jar', path.join(home, 'jboss-modules.jar'), '-mp', path.join(home, 'modules'),
      'org.jboss.as.standalone', '-c=standalone.xml',
    ];
    return { cmd: 'java', args, cwd: base, env, jvmOpts };
  }
  if (name === 'fastapi') {
    return {
      cmd: '/usr/bin/python3',
      args: ['-m', 'uvicorn', 'app:app', '--host', cfg.host, '--port', String(port), '--log-level', 'warning', '--ws-ping-interval', String(cfg.heartbeatSeconds)],
      cwd: path.join(BENCH, 'peers', 'fastapi'),
      env,
    };
  }
  if (name === 'node-ws') {
    return { cmd: process.execPath, args: ['server.js'], cwd: path.join(BENCH, 'peers', 'node-ws'), env: { ...env, PORT: String(port), HOST: cfg.host } };
  }
  throw new Error(`unknown server ${name}`);
}

function httpStatus(port, p) {
  return new Promise((resolve) => {
    const req = http.get({ host: cfg.host, port, path: p, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => {
      req.destroy();
      resolve(0);
    });
  });
}

/**
 * Starts and stops servers one at a time. `log(line)` reports; server output goes to
 * `<out>/<key>.server.log`.
 */
function createServers({ out, log }) {
  let current = null; // { name, child }

  function stop() {
    return new Promise((resolve) => {
      if (!current || current.child.exitCode !== null || current.child.signalCode !== null) {
        current = null;
        return resolve();
      }
      const { child, name } = current;
      const timer = setTimeout(() => {
        log(`${name}: still running 20 s after SIGTERM, sending SIGKILL to ${child.pid}`);
        try {
          child.kill('SIGKILL');
        } catch (e) {
          /* gone */
        }
      }, 20000);
      child.once('exit', () => {
        clearTimeout(timer);
        current = null;
        resolve();
      });
      try {
        child.kill('SIGTERM');
      } catch (e) {
        clearTimeout(timer);
        current = null;
        resolve();
      }
    });
  }

  function killSync() {
    if (current && current.child.exitCode === null) {
      try {
        current.child.kill('SIGKILL');
      } catch (e) {
        /* gone */
      }
    }
  }

  /**
   * Starts a server; `war` replaces target/roomcast.war (to compare two builds in one run), `env`
   * replaces config.js's environment for it, `port` its first port tried.
   */
  async function start(name, variant, { war, env, port: firstPort } = {}) {
    const s = cfg.servers[name];
    const want = firstPort || s.port;
    const free = await freePorts(want, 1, { span: 20, host: cfg.host });
    if (!free) throw new Error(`ports ${want}-${want + 19} are all in use; not starting ${name}`);
    const port = free[0];
    if (port !== want) log(`${name}: port ${want} is in use, using ${port}`);
    const c = command(name, variant, port, war, env);
    const logFile = path.join(out, `${name}${variant && variant !== cfg.jvm.main ? '-' + variant : ''}.server.log`);
    const fd = fs.openSync(logFile, 'a');
    log(`${name}: starting ${c.cmd} ${c.args.join(' ')}`);
    const started = Date.now();
    const child = spawn(c.cmd, c.args, { cwd: c.cwd, env: c.env, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    current = { name, child };
    let exited = false;
    child.once('exit', (code, sig) => {
      exited = true;
      log(`${name}: exited (code ${code}, signal ${sig})`);
    });
    const deadline = Date.now() + s.readyTimeoutS * 1000;
    while (Date.now() < deadline && !exited) {
      if ((await httpStatus(port, '/api/status')) === 200) {
        const readyS = (Date.now() - started) / 1000;
        await sleep(500);
        const snap = S.serverSnapshot(child.pid);
        log(`${name}: ready in ${readyS.toFixed(1)} s, pid ${child.pid}, RSS ${Math.round(snap.rssKb / 1024)} MB, ${snap.threads} threads`);
        return { pid: child.pid, port, readyS, idleRssKb: snap.rssKb, idleThreads: snap.threads, jvmOpts: c.jvmOpts || null, command: `${c.cmd} ${c.args.join(' ')}`, log: path.relative(out, logFile) };
      }
      await sleep(250);
    }
    await stop();
    throw new Error(`${name} did not become ready within ${s.readyTimeoutS}s (see ${logFile})`);
  }

  const alive = () => current !== null && current.child.exitCode === null;
  return { start, stop, killSync, alive };
}

module.exports = { createServers, missing, wildflyHome, WILDFLY_MODULE_OPTIONS };
