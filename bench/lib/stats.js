'use strict';
// Small helpers shared by the load generator and the orchestrator:
// a mergeable latency histogram (microseconds, ~0.5 % resolution above 1 ms),
// a monotonic clock in microseconds comparable across processes on the same
// machine (CLOCK_MONOTONIC via process.hrtime), and /proc + jcmd readers for
// the server process.

const fs = require('fs');
const { execFileSync } = require('child_process');

const LOG_BASE = Math.log(1.005);
const LINEAR = 1000; // 1 µs resolution below 1 ms

/** Monotonic microseconds, same clock in every process of this machine. */
function nowUs() {
  const t = process.hrtime();
  return t[0] * 1e6 + t[1] / 1e3;
}

class Hist {
  constructor() {
    this.buckets = new Float64Array(LINEAR + 3000);
    this.count = 0;
    this.sum = 0;
    this.max = 0;
    this.min = Infinity;
  }
  record(us) {
    if (!(us >= 0)) us = 0; // clock noise can give -0.x
    let idx;
    if (us < LINEAR) idx = Math.floor(us);
    else idx = LINEAR + Math.floor(Math.log(us / LINEAR) / LOG_BASE);
    if (idx >= this.buckets.length) idx = this.buckets.length - 1;
    this.buckets[idx]++;
    this.count++;
    this.sum += us;
    if (us > this.max) this.max = us;
    if (us < this.min) this.min = us;
  }
  static bucketValue(idx) {
    if (idx < LINEAR) return idx + 0.5;
    return LINEAR * Math.exp((idx - LINEAR + 0.5) * LOG_BASE);
  }
  percentile(p) {
    if (this.count === 0) return null;
    const target = Math.ceil((p / 100) * this.count);
    let acc = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      acc += this.buckets[i];
      if (acc >= target) return Math.min(Hist.bucketValue(i), this.max);
    }
    return this.max;
  }
  merge(other) {
    for (let i = 0; i < this.buckets.length; i++) this.buckets[i] += other.buckets[i];
    this.count += other.count;
    this.sum += other.sum;
    this.max = Math.max(this.max, other.max);
    this.min = Math.min(this.min, other.min);
    return this;
  }
  toJSON() {
    // sparse form, for sending between processes
    const b = {};
    for (let i = 0; i < this.buckets.length; i++) if (this.buckets[i]) b[i] = this.buckets[i];
    return { b, count: this.count, sum: this.sum, max: this.max, min: this.min };
  }
  static fromJSON(o) {
    const h = new Hist();
    for (const k of Object.keys(o.b)) h.buckets[Number(k)] = o.b[k];
    h.count = o.count;
    h.sum = o.sum;
    h.max = o.max;
    h.min = o.min === null ? Infinity : o.min;
    return h;
  }
  /** Summary in milliseconds. */
  summaryMs() {
    const r = (v) => (v === null ? null : Math.round(v) / 1000);
    return {
      count: this.count,
      mean: this.count ? r(this.sum / this.count) : null,
      p50: r(this.percentile(50)),
      p95: r(this.percentile(95)),
      p99: r(this.percentile(99)),
      p999: r(this.percentile(99.9)),
      max: this.count ? r(this.max) : null,
    };
  }
}

let clkTck = null;
function ticksPerSecond() {
  if (clkTck === null) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch (e) {
      clkTck = 100;
    }
  }
  return clkTck;
}

/** utime+stime of a process in seconds (all threads), or null. */
function procCpuSeconds(pid) {
  if (!pid) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); utime = field 14, stime = field 15
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return (utime + stime) / ticksPerSecond();
  } catch (e) {
    return null;
  }
}

/** {native thread id -> [name as /proc cuts it at 15 characters, CPU seconds]} of a process. */
function procThreadCpuSeconds(pid) {
  const out = {};
  if (!pid) return out;
  let tids = [];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch (e) {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out[tid] = [stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), (Number(rest[11]) + Number(rest[12])) / ticksPerSecond()];
    } catch (e) {
      /* the thread ended */
    }
  }
  return out;
}

/**
 * The CPU seconds each thread used between two snapshots, {native id -> [name, seconds]}, those of
 * `min` seconds or more (10 ms unless given); foldThreadCpu() sums them by name.
 */
function threadCpuDelta(a, b, min = 0.01) {
  if (!a || !b || !a.threadCpuS || !b.threadCpuS) return null;
  const out = {};
  for (const [tid, [name, s]] of Object.entries(b.threadCpuS)) {
    const d = s - ((a.threadCpuS[tid] || [])[1] || 0);
    if (d >= min) out[tid] = [name, Math.round(d * 1000) / 1000];
  }
  return out;
}

/**
 * {thread name, digits folded to # -> CPU seconds}, largest first, from threadCpuDelta()'s per-thread
 * figures; `names` (native id -> Java name, from jcmd Thread.print) undoes /proc's 15-character cut.
 */
function foldThreadCpu(perThread, names = {}) {
  const out = {};
  for (const [tid, [name, s]] of Object.entries(perThread || {})) {
    const key = (names[Number(tid)] || name).replace(/\d+/g, '#');
    out[key] = Math.round(((out[key] || 0) + s) * 1000) / 1000;
  }
  return Object.fromEntries(Object.entries(out).sort((x, y) => y[1] - x[1]));
}

function procStatusKb(pid, key) {
  if (!pid) return null;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) : null;
  } catch (e) {
    return null;
  }
}

function procRssKb(pid) {
  return procStatusKb(pid, 'VmRSS');
}

function procThreads(pid) {
  if (!pid) return null;
  try {
    const m = /^Threads:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch (e) {
    return null;
  }
}

function procOpenFds(pid) {
  if (!pid) return null;
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch (e) {
    return null;
  }
}

function isJvm(pid) {
  if (!pid) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'java';
  } catch (e) {
    return false;
  }
}

const UNIT_KB = { K: 1, M: 1024, G: 1024 * 1024 };

/**
 * Java heap in use (KB) from `jcmd PID GC.heap_info`, summing the "used"
 * figures of the heap lines (G1, Parallel, Serial, ZGC layouts), excluding
 * Metaspace. With gc=true a `jcmd PID GC.run` (full GC) runs first so the
 * figure is the live heap. Returns { usedKb, raw } or null.
 */
function jvmHeap(pid, gc) {
  try {
    if (gc) execFileSync('jcmd', [String(pid), 'GC.run'], { timeout: 30000, stdio: ['ignore', 'ignore', 'ignore'] });
    const raw = execFileSync('jcmd', [String(pid), 'GC.heap_info'], { timeout: 30000 }).toString();
    let used = 0;
    for (const line of raw.split('\n')) {
      if (/Metaspace|class space/.test(line)) continue;
      const u = /used (\d+)([KMG])/.exec(line);
      if (u) used += Number(u[1]) * UNIT_KB[u[2]];
    }
    return { usedKb: used, raw: raw.trim().split('\n').slice(1).join(' | ') };
  } catch (e) {
    return null;
  }
}

/** Machine-wide busy CPU seconds (all cores) from /proc/stat. */
function machineBusySeconds() {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...
    const busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] || 0);
    return busy / ticksPerSecond();
  } catch (e) {
    return null;
  }
}

/**
 * Snapshot of a server process: CPU seconds, RSS KB, threads, fds. Given an
 * array of pids (the instances of a cluster) each figure is the sum over them
 * (null if any process could not be read, e.g. it died), and `per` keeps the
 * figures of each pid in order; a single pid gives the single-process shape.
 */
function serverSnapshot(pidOrPids) {
  const pids = Array.isArray(pidOrPids) ? pidOrPids : [pidOrPids];
  if (pids.length <= 1) {
    const pid = pids[0];
    return {
      t: nowUs(),
      machineBusyS: machineBusySeconds(),
      cpuS: procCpuSeconds(pid),
      rssKb: procRssKb(pid),
      threads: procThreads(pid),
      fds: procOpenFds(pid),
      threadCpuS: procThreadCpuSeconds(pid),
    };
  }
  const per = pids.map((pid) => ({ pid, cpuS: procCpuSeconds(pid), rssKb: procRssKb(pid), threads: procThreads(pid), fds: procOpenFds(pid) }));
  const sum = (k) => (per.some((p) => p[k] === null) ? null : per.reduce((s, p) => s + p[k], 0));
  return { t: nowUs(), machineBusyS: machineBusySeconds(), cpuS: sum('cpuS'), rssKb: sum('rssKb'), threads: sum('threads'), fds: sum('fds'), per };
}

function cpuDelta(a, b) {
  if (!a || !b || a.cpuS === null || b.cpuS === null) return null;
  return Math.round((b.cpuS - a.cpuS) * 1000) / 1000;
}

/**
 * CPU used on the machine by processes other than the server and the load
 * generator during [a, b] (seconds), e.g. another workload sharing the box.
 */
function otherCpu(a, b, serverCpuS, loadgenCpuS) {
  if (!a || !b || a.machineBusyS === null || b.machineBusyS === null) return null;
  const other = b.machineBusyS - a.machineBusyS - (serverCpuS || 0) - (loadgenCpuS || 0);
  return Math.round(Math.max(0, other) * 1000) / 1000;
}

/**
 * Waits (at most maxMs) until every process uses less than 10 % of a core over
 * one second. Returns { idle, waitedS, pct } with each process's CPU % in the
 * last second (null where it could not be read, which counts as idle).
 */
async function waitIdle(pids, maxMs = 60000) {
  const start = Date.now();
  for (;;) {
    const a = pids.map((pid) => procCpuSeconds(pid));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const b = pids.map((pid) => procCpuSeconds(pid));
    const pct = pids.map((_, k) => (a[k] === null || b[k] === null ? null : Math.round((b[k] - a[k]) * 100)));
    const idle = pct.every((x) => x === null || x < 10);
    if (idle || Date.now() - start > maxMs) return { idle, waitedS: (Date.now() - start) / 1000, pct };
  }
}

module.exports = {
  waitIdle,
  Hist,
  nowUs,
  procCpuSeconds,
  procRssKb,
  procThreads,
  procOpenFds,
  isJvm,
  jvmHeap,
  serverSnapshot,
  cpuDelta,
  threadCpuDelta,
  foldThreadCpu,
  procThreadCpuSeconds,
  otherCpu,
  machineBusySeconds,
  ticksPerSecond,
};
