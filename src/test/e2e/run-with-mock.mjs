#!/usr/bin/env node
// Runs demo.e2e.mjs against mock-server.mjs, restarting the mock when asked:
//   node run-with-mock.mjs [port] [-- extra demo.e2e.mjs arguments]
// The same dance DemoPageIT does with Payara Micro, without building the server.
// The mock has no room streams (no offsets, no history): the recovery phase is skipped (--no-streams).
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const port = Number(args.find((a) => /^\d+$/.test(a)) || 18181);
const extra = args.includes('--') ? args.slice(args.indexOf('--') + 1) : [];

function startMock() {
  const child = spawn(process.execPath, [path.join(here, 'mock-server.mjs'), String(port), '--heartbeat=2'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => {
    child.stdout.once('data', (d) => { process.stdout.write(`[mock] ${d}`); resolve(child); });
  });
}

const stop = (child) => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); });

let mock = await startMock();
const test = spawn(process.execPath, [path.join(here, 'demo.e2e.mjs'), `http://127.0.0.1:${port}/`, '--no-streams', ...extra], { stdio: ['pipe', 'pipe', 'inherit'] });
readline.createInterface({ input: test.stdout }).on('line', async (line) => {
  console.log(line);
  if (line.trim() === 'RESTART_SERVER') {
    await stop(mock);
    await new Promise((r) => setTimeout(r, 3000));  // stay down long enough for the pages to notice
    mock = await startMock();
    test.stdin.write('RESTARTED\n');
  }
});
test.on('exit', async (code) => {
  await stop(mock);
  process.exit(code ?? 1);
});
