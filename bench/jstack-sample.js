#!/usr/bin/env node
'use strict';
// Poor man's sampling profiler for a JVM under load: takes N thread dumps with
// `jcmd PID Thread.print` and counts, over the RUNNABLE threads that are not
// parked in epoll/accept, the top frames and the inclusive frames matching a
// filter (Roomcast, Tyrus, Grizzly, ServiceLoader, ...). Bounded: N samples.
//
//   node bench/jstack-sample.js PID [samples=10] [interval_ms=500] [filter-regex]
//
// Run it while a scenario is running, e.g.
//   node bench/loadgen.js fanout --port 18080 --server-pid PID --duration 10 &
//   sleep 4; node bench/jstack-sample.js PID 10 400

const { execFileSync } = require('child_process');

const pid = process.argv[2];
if (!pid) {
  console.error('usage: node jstack-sample.js PID [samples] [interval_ms] [filter-regex]');
  process.exit(1);
}
const samples = Math.min(100, Number(process.argv[3] || 10));
const interval = Number(process.argv[4] || 500);
const filter = new RegExp(process.argv[5] || 'roomcast|tyrus|grizzly|ServiceLoader|concurrent\\.runtime|nimbus|weld', 'i');
const IDLE = /epollWait|EPoll\.wait|accept0|waitForReferencePendingList|LinuxWatchService|socketAccept|Unsafe\.park|Object\.wait|Thread\.sleep/;

const top = new Map();
const incl = new Map();
let runnable = 0;
const bump = (m, k) => m.set(k, (m.get(k) || 0) + 1);
const sleepSync = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

for (let i = 0; i < samples; i++) {
  let dump;
  try {
    dump = execFileSync('jcmd', [String(pid), 'Thread.print'], { timeout: 20000, maxBuffer: 64 << 20 }).toString();
  } catch (e) {
    console.error(`jcmd failed: ${e.message}`);
    process.exit(1);
  }
  for (const block of dump.split(/\n\s*\n/)) {
    if (!block.includes('java.lang.Thread.State: RUNNABLE')) continue;
    const frames = block.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('at ')).map((l) => l.slice(3).replace(/\(.*\)$/, ''));
    if (!frames.length || IDLE.test(frames[0])) continue;
    runnable++;
    bump(top, frames[0]);
    for (const f of new Set(frames)) if (filter.test(f)) bump(incl, f);
  }
  if (i + 1 < samples) sleepSync(interval);
}

const print = (title, m, n) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${String(v).padStart(6)}  ${k}`);
};
console.log(`${samples} samples, ${runnable} busy thread stacks`);
print('top frames (self)', top, 15);
print(`inclusive frames matching /${filter.source}/`, incl, 30);
