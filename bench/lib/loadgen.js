'use strict';
// Runs bench/loadgen.js as a child process and resolves with its one JSON result (or an { error }),
// its progress lines handed to `log`; the child is killed after `timeoutMs`. Shared by run-all.js and
// durable.js.
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const BENCH = path.resolve(__dirname, '..');

function runLoadgen(args, outFile, { log, jwtSecret, timeoutMs }) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: BENCH, env: { ...process.env, ROOMCAST_JWT_SECRET: jwtSecret }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => {
      for (const line of String(d).split('\n')) if (line.trim()) log('  ' + line);
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(killer);
      let res;
      try {
        res = JSON.parse(out);
      } catch (e) {
        res = { error: `loadgen exit ${code}, unparsable output` };
      }
      if (code !== 0 && !res.error) res.error = `loadgen exit ${code}`;
      if (outFile) fs.writeFileSync(outFile, JSON.stringify(res, null, 2) + '\n');
      resolve(res);
    });
  });
}

module.exports = { runLoadgen };
