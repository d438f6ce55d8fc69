'use strict';
// CPU profiles of a running server by async-profiler (Maven Central: tools.profiler:async-profiler,
// fetched and unpacked by durable.sh --profiler async): perf_events CPU samples every millisecond, Java
// and kernel frames, per thread, loaded into the server by `jcmd JVMTI.agent_load` and written as
// collapsed stacks. JFR's execution samples skip threads in native code and system calls, which is where
// a fan-out spends half its time (socket writes, futex wake-ups), so JFR alone could not say where each
// microsecond went.

const fs = require('fs');
const { execFileSync } = require('child_process');

/** jcmd passes a value with '=' in it as one option only when quoted. */
function agent(pid, lib, options) {
  execFileSync('jcmd', [String(pid), 'JVMTI.agent_load', lib, `"${options}"`], { stdio: 'ignore', timeout: 60000 });
}

function start(pid, lib) {
  agent(pid, lib, 'start,event=cpu,interval=1ms,threads');
}

function stop(pid, lib, file) {
  agent(pid, lib, `stop,file=${file}`);
}

/** A thread's name with its numbers as '#', so that a pool's threads add up ("answers-#"). */
function group(frame) {
  return frame.replace(/^\[|\]$/g, '').replace(/ tid=\d+$/, '').replace(/\d+/g, '#');
}

/**
 * The profile folded: CPU milliseconds per thread group (one sample a millisecond), and per group its
 * top leaf frames (the first Java frame from the top, "[kernel]" when the sample was in a system call).
 */
function summarize(file, topFrames = 8) {
  const groups = new Map();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const cut = line.lastIndexOf(' ');
    if (cut < 0) continue;
    const frames = line.slice(0, cut).split(';');
    const n = Number(line.slice(cut + 1));
    const name = group(frames[0]);
    const javaFrames = frames.slice(1).filter((f) => !f.endsWith('_[k]'));
    const inKernel = frames.length - 1 > javaFrames.length;
    const leaf = (javaFrames[javaFrames.length - 1] || '?').split('/').pop() + (inKernel ? ' [kernel]' : '');
    const g = groups.get(name) || { ms: 0, leaves: new Map() };
    g.ms += n;
    g.leaves.set(leaf, (g.leaves.get(leaf) || 0) + n);
    groups.set(name, g);
  }
  return [...groups.entries()].sort((a, b) => b[1].ms - a[1].ms).map(([name, g]) => ({
    thread: name,
    cpu_ms: g.ms,
    top: [...g.leaves.entries()].sort((a, b) => b[1] - a[1]).slice(0, topFrames),
  }));
}

module.exports = { start, stop, summarize };
