// What the browser tests of this folder (demo.e2e.mjs, admin.e2e.mjs, durable-restart.e2e.mjs) share:
// their command line, the `ok N - ...` report, Debian's Chromium and the end of a run.
//
// Output of every script: one `ok N - ...` line per check, then `PASS`/`FAIL` and
// `e2e: N passed, N failed`; exit code 0 only when everything passed.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * The command line: the base URL (the first http(s) argument, else ROOMCAST_BASE_URL, with a trailing
 * slash), option(name) for `--name value`, the --artifacts folder (a fresh temporary one by default).
 * Without a base URL it prints the usage and exits with 2.
 */
export function parseArgs(usage, tmpPrefix) {
  const argv = process.argv.slice(2);
  const option = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const baseUrl = (argv.find((a) => /^https?:\/\//.test(a)) || process.env.ROOMCAST_BASE_URL || '').replace(/\/?$/, '/');
  if (baseUrl === '/') {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  const artifactDir = option('--artifacts') || fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
  return { argv, option, baseUrl, artifactDir };
}

/** The run's report: say() prints a line with the time since start; check() runs one named check. */
export function createReport(tag) {
  const t0 = Date.now();
  const report = {
    passed: 0,
    failed: 0,
    say: (line) => console.log(`[${tag} ${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`),
    /** Runs a check; a failing one is counted and rethrown with its name as `step`. */
    async check(name, fn) {
      try {
        await fn();
        report.passed += 1;
        report.say(`ok ${report.passed} - ${name}`);
      } catch (err) {
        report.failed += 1;
        report.say(`not ok - ${name}`);
        throw Object.assign(err, { step: name });
      }
    },
  };
  return report;
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Tokens are credentials: keep them out of test logs (in a query or in an admin.html#token= link). */
export const redact = (text) => text.replace(/(access_token=|#token=)[^&'"\s]+/g, '$1<redacted>');

/** Headless Debian Chromium (never a downloaded one); null, with the FAIL lines printed, when it is missing. */
export async function launchBrowser() {
  if (!fs.existsSync(executablePath)) {
    console.log(`FAIL: ${executablePath} not found (run src/test/e2e/setup.sh)`);
    console.log('e2e: 0 passed, 1 failed');
    return null;
  }
  // Playwright starts Chromium headless with a fresh temporary --user-data-dir of its own.
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** A failed page's screenshot and its #log, for the artifacts and the test log. */
export async function saveFailedPage(report, file, user) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await user.page.screenshot({ path: file }).catch(() => {});
  const log = await user.page.locator('#log').innerText().catch(() => '(no log)');
  report.say(`${user.name}'s page log:\n${log.split('\n').map((l) => `    ${l}`).join('\n')}`);
  report.say(`${user.name}'s screenshot: ${file}`);
}

/** Each page's console errors, counted (refused connections are expected while a server is down). */
export function summariseConsoleErrors(report, users) {
  for (const u of users) {
    const counts = new Map();
    for (const p of u.problems) counts.set(p, (counts.get(p) || 0) + 1);
    if (counts.size) report.say(`${u.name}'s browser console errors (expected while the server is down):`);
    for (const [text, n] of counts) report.say(`    ${n}x ${text}`);
  }
}

/** The last two lines of a run; its exit code. */
export function finish(report, title) {
  console.log(report.failed === 0 ? `PASS: ${title} (${report.passed} checks)` : `FAIL: ${title}`);
  console.log(`e2e: ${report.passed} passed, ${report.failed} failed`);
  return report.failed === 0 ? 0 : 1;
}

/** Runs main() and exits with its code; an error that escaped it fails the run. */
export function exitWith(main, report) {
  main().then((code) => process.exit(code), (err) => {
    console.log(`FAIL: ${redact(String(err.stack || err))}`);
    console.log(`e2e: ${report.passed} passed, ${report.failed + 1} failed`);
    process.exit(1);
  });
}
